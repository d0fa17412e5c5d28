import { app, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import type { Binding } from '../../shared/bind'
import { CALL_NAMES, ipcChannel } from '../../shared/channels'
import type { Envelope } from '../../shared/errors'
import { devServerUrl, isTrustedSenderUrl, type ExternalUrlAllowList } from './policy'

const NOT_STARTED: Envelope<never> = {
  ok: false,
  error: { code: 'internal', message: 'Latchkey could not start, so it cannot do this. Please start it again.' },
}

/**
 * Registers one ipcMain handler per call of the contract. Every message is checked to come from
 * the app's own top-level frame before its argument is even looked at; the binding validates the
 * argument and answers an Envelope, never a stack trace.
 *
 * The handlers are in place before the service has started (the window does not wait for the
 * keychain): a call that comes early waits for `binding` instead of failing. `binding` is
 * undefined when the service could not start (the app is quitting then).
 *
 * `currentWindow` is the app's one window at the time of the message: on macOS the window can be
 * closed and opened again (the Dock icon) while the app and these handlers live on.
 */
export function registerIpc(
  binding: Promise<Binding | undefined>,
  currentWindow: () => BrowserWindow | undefined,
  allowList: ExternalUrlAllowList,
): void {
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const window = currentWindow()
    return (
      window !== undefined &&
      !window.isDestroyed() &&
      event.sender === window.webContents &&
      event.senderFrame === window.webContents.mainFrame &&
      isTrustedSenderUrl(event.senderFrame?.url, devServerUrl(app.isPackaged))
    )
  }

  for (const name of CALL_NAMES) {
    ipcMain.handle(ipcChannel(name), async (event, args: unknown) => {
      if (!trusted(event)) {
        return { ok: false, error: { code: 'forbidden', message: 'Latchkey ignored a message from a page that is not its own.' } }
      }
      const ready = await binding
      const answer = ready ? await ready.call(name, args) : NOT_STARTED
      // A link main hands the renderer (an account-management page) may be opened later.
      if (!answer.ok && answer.error.url) allowList.offer(answer.error.url)
      return answer
    })
  }
}
