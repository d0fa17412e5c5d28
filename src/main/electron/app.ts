/**
 * The app's life: one instance, a data folder, the service, the IPC binding, the window.
 */
import { app, BrowserWindow, dialog, protocol } from 'electron'
import { createSessionService, type SessionService } from '../service'
import { notifyNewDevices } from './notifier'
import type { EventPayload } from '../../shared/contract'
import { bindContract, checkEvent } from '../../shared/bind'
import { ipcChannel } from '../../shared/channels'
import { registerIpc } from './ipc'
import { LoginLinkInbox } from './login-links'
import { registerBundleProtocol } from './protocol'
import { hardenSessions, openExternalFor } from './security'
import { createMainWindow } from './window'
import { APP_SCHEME, ExternalUrlAllowList, loginLinkIn } from './policy'

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
  const loginLinks = new LoginLinkInbox()
  loginLinks.receive(loginLinkIn(process.argv))

  const focusWindow = (): void => {
    const [window] = BrowserWindow.getAllWindows()
    if (window) {
      if (window.isMinimized()) window.restore()
      window.focus()
    }
  }

  app.on('second-instance', (_event, argv: string[]) => {
    focusWindow()
    loginLinks.receive(loginLinkIn(argv))
  })

  // macOS hands a latchkey: link to the running app (or the launching one, before ready).
  app.on('open-url', (event, url) => {
    event.preventDefault()
    if (loginLinks.receive(url)) focusWindow()
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  // Quitting waits for the service to close (SSO listeners, the accounts watcher), then quits.
  app.on('will-quit', (event) => {
    const closing = service
    if (!closing) return
    service = undefined
    event.preventDefault()
    void closing.close().finally(() => app.quit())
  })

  let mainWindow: BrowserWindow | undefined
  const openWindow = (): void => {
    const window = createMainWindow()
    mainWindow = window
    // A link waits until the page can hear it: the renderer subscribes while it loads.
    window.webContents.once('did-finish-load', () =>
      loginLinks.connect((payload) => {
        if (!window.isDestroyed()) window.webContents.send(ipcChannel('loginLink'), checkEvent('loginLink', { payload }))
      }),
    )
    window.once('closed', () => {
      if (mainWindow === window) mainWindow = undefined
      loginLinks.disconnect()
    })
  }

  void app.whenReady().then(async () => {
    hardenSessions(allowList)
    registerBundleProtocol()
    try {
      service = await createSessionService({
        dataDir: app.getPath('userData'),
        openExternal: openExternalFor(allowList),
        // Issue 11 §6: look for new sign-ins every newDeviceCheckMinutes while the app runs.
        watchDevices: true,
      })
    } catch (error) {
      dialog.showErrorBox(
        'Latchkey could not start',
        error instanceof Error ? error.message : 'Its data folder could not be opened.',
      )
      app.quit()
      return
    }
    service.onEvent((event, payload) => {
      if (event === 'newDevices') notifyNewDevices(() => (mainWindow && !mainWindow.isDestroyed() ? mainWindow : undefined), payload as EventPayload<'newDevices'>)
    })
    registerIpc(bindContract(service, { onInternalError: logInternalError }), service, () => mainWindow, allowList)
    openWindow()
    // macOS keeps the app when its window closes; the Dock icon opens it again, with the same IPC.
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow()
    })
  })
}

function logInternalError(error: unknown, call: string): void {
  // Stack traces stay in main's own log; the renderer gets a sentence.
  console.error(`[latchkey] ${call} failed unexpectedly:`, error instanceof Error ? error.stack : error)
}
