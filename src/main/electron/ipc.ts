import { app, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import type { Binding } from '../../shared/bind'
import { checkEvent } from '../../shared/bind'
import { CALL_NAMES, EVENT_NAMES, ipcChannel } from '../../shared/channels'
import type { SessionService } from '../service'
import { devServerUrl, isTrustedSenderUrl, type ExternalUrlAllowList } from './policy'

/**
 * Registers one ipcMain handler per call of the contract. Every message is checked to come from
 * the app's own top-level frame before its argument is even looked at; the binding validates the
 * argument and answers an Envelope, never a stack trace.
 *
 * `currentWindow` is the app's one window at the time of the message: on macOS the window can be
 * closed and opened again (the Dock icon) while the app and these handlers live on.
 */
export function registerIpc(
  binding: Binding,
  service: SessionService,
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
      const answer = await binding.call(name, args)
      // A link main hands the renderer (an account-management page) may be opened later.
      if (!answer.ok && answer.error.url) allowList.offer(answer.error.url)
      return answer
    })
  }

  service.onEvent((event, payload) => {
    const window = currentWindow()
    if (!window || window.isDestroyed() || !EVENT_NAMES.includes(event)) return
    window.webContents.send(ipcChannel(event), checkEvent(event, payload))
  })
}
