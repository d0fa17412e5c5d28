/**
 * The app's life: one instance, a data folder, the service, the IPC binding, the window.
 */
import { app, BrowserWindow, dialog, protocol } from 'electron'
import { createSessionService, type SessionService } from '../service'
import { bindContract } from '../../shared/bind'
import { registerIpc } from './ipc'
import { registerBundleProtocol } from './protocol'
import { hardenSessions, openExternalFor } from './security'
import { createMainWindow } from './window'
import { APP_SCHEME, ExternalUrlAllowList } from './policy'

export function startApp(): void {
  app.setName('Latchkey')
  // LATCHKEY_HOME points the app and the CLI at the same portable folder (and keeps tests apart).
  if (process.env.LATCHKEY_HOME) app.setPath('userData', process.env.LATCHKEY_HOME)

  // A second launch focuses the first window instead of racing it for accounts.json.
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }

  app.enableSandbox()
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ])

  let service: SessionService | undefined
  const allowList = new ExternalUrlAllowList()

  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows()
    if (window) {
      if (window.isMinimized()) window.restore()
      window.focus()
    }
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  app.on('will-quit', () => {
    void service?.close()
  })

  void app.whenReady().then(async () => {
    hardenSessions(allowList)
    registerBundleProtocol()
    try {
      service = await createSessionService({
        dataDir: app.getPath('userData'),
        openExternal: openExternalFor(allowList),
      })
    } catch (error) {
      dialog.showErrorBox(
        'Latchkey could not start',
        error instanceof Error ? error.message : 'Its data folder could not be opened.',
      )
      app.quit()
      return
    }
    const window = createMainWindow()
    registerIpc(bindContract(service, { onInternalError: logInternalError }), service, window, allowList)
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createMainWindow()
    })
  })
}

function logInternalError(error: unknown, call: string): void {
  // Stack traces stay in main's own log; the renderer gets a sentence.
  console.error(`[latchkey] ${call} failed unexpectedly:`, error instanceof Error ? error.stack : error)
}
