/**
 * The app's life: one instance, a data folder, the service, the IPC binding, the window.
 */
import { app, BrowserWindow, dialog, protocol } from 'electron'
// Only what the first window needs is imported here; the service (and with it zod, the network
// stack and the keychain) loads after the window is created (see `startService`).
import type { SessionService } from '../service'
import type { Binding } from '../../shared/bind'
import type { EventPayload } from '../../shared/contract'
import { registerIpc } from './ipc'
import { LoginLinkInbox } from './login-links'
import { PageOutbox } from './page-outbox'
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

  let starting: Promise<SessionService | undefined> | undefined
  const outbox = new PageOutbox()
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
  // A quit while the service is still starting waits for it, so nothing it opens is left behind.
  app.on('will-quit', (event) => {
    const running = starting
    if (!running) return
    starting = undefined
    event.preventDefault()
    void running.then((service) => service?.close()).finally(() => app.quit())
  })

  let mainWindow: BrowserWindow | undefined
  const openWindow = (): void => {
    const window = createMainWindow()
    mainWindow = window
    // Events wait until the page can hear them: the renderer subscribes while it loads.
    outbox.open(window)
    window.webContents.once('did-finish-load', () => loginLinks.connect((payload) => outbox.send('loginLink', { payload })))
    window.once('closed', () => {
      if (mainWindow === window) mainWindow = undefined
      loginLinks.disconnect()
    })
  }

  /** Loads and starts the service; a failure is told to the person and ends the app. */
  const startService = async (): Promise<SessionService | undefined> => {
    try {
      const [{ createSessionService }, { notifyNewDevices }] = await Promise.all([import('../service'), import('./notifier')])
      const service = await createSessionService({
        dataDir: app.getPath('userData'),
        openExternal: openExternalFor(allowList),
        // Issue 11 §6: look for new sign-ins every newDeviceCheckMinutes while the app runs.
        watchDevices: true,
      })
      service.onEvent((event, payload) => {
        outbox.send(event, payload)
        if (event === 'newDevices') notifyNewDevices(() => (mainWindow && !mainWindow.isDestroyed() ? mainWindow : undefined), payload as EventPayload<'newDevices'>)
      })
      return service
    } catch (error) {
      dialog.showErrorBox(
        'Latchkey could not start',
        error instanceof Error ? error.message : 'Its data folder could not be opened.',
      )
      app.quit()
      return undefined
    }
  }

  void app.whenReady().then(() => {
    hardenSessions(allowList)
    registerBundleProtocol()
    // The window first: it does not wait for the service (the keychain may take seconds to
    // answer). Calls that come before the service is ready wait for it in the IPC binding.
    openWindow()
    const started = startService()
    starting = started
    registerIpc(bindWhenStarted(started), () => mainWindow, allowList)
    // macOS keeps the app when its window closes; the Dock icon opens it again, with the same IPC.
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow()
    })
  })
}

async function bindWhenStarted(started: Promise<SessionService | undefined>): Promise<Binding | undefined> {
  const service = await started
  if (!service) return undefined
  const { bindContract } = await import('../../shared/bind')
  return bindContract(service, { onInternalError: logInternalError })
}

function logInternalError(error: unknown, call: string): void {
  // Stack traces stay in main's own log; the renderer gets a sentence.
  console.error(`[latchkey] ${call} failed unexpectedly:`, error instanceof Error ? error.stack : error)
}
