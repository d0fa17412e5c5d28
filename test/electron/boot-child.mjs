// Runs in a child process of boot.test.ts: starts the BUILT main bundle against the stand-in
// electron module, drives it the way Electron and a person would, and prints one line,
// `BOOT-REPORT <json>`, of what it saw. It never calls process.exit: once the app has quit, the
// process must end by itself (a service left open would keep it alive).
import { register } from 'node:module'
import { pathToFileURL } from 'node:url'

register('./hooks.mjs', import.meta.url)

const index = process.env.LATCHKEY_BOOT_INDEX
if (!index) throw new Error('LATCHKEY_BOOT_INDEX names the built main bundle')
const links = JSON.parse(process.env.LATCHKEY_BOOT_LINKS ?? '[]')

const { standIn, app } = await import('electron')
const report = { steps: [] }
const step = (name) => report.steps.push(name)

async function until(what, condition, ms = 15_000) {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error(`boot-child: gave up waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const importStarted = performance.now()
await import(pathToFileURL(index).href)
report.importMs = performance.now() - importStarted
step('imported')
report.privilegedSchemes = standIn.privilegedSchemes
report.singleInstance = standIn.singleInstanceLock
report.name = standIn.name
standIn.ready()
await until('the window and the IPC binding', () => standIn.windows.length > 0 && standIn.ipcHandlers.size > 0)
const [window] = standIn.windows
report.windowAfterReadyMs = standIn.times.windows[0] - standIn.times.ready

// The page asks for the accounts as soon as it can, maybe before the service has started (the
// keychain may still be answering): the call must wait for the service, not fail.
const keychain = process.env.LATCHKEY_STAND_IN_KEYCHAIN_MS ? (await import('keytar')).standInKeychain : undefined
report.keychainAnsweredBeforeWindow = keychain ? keychain.answeredAt !== undefined : undefined
report.earlyCallBeforeKeychain = keychain ? keychain.answeredAt === undefined : undefined
const earlyCall = standIn.ipcHandlers.get('latchkey:listAccounts')?.({ sender: window.webContents, senderFrame: window.webContents.mainFrame }, undefined)
report.earlyListAccounts = await earlyCall
report.earlyAnsweredAfterKeychainMs = keychain?.answeredAt === undefined ? undefined : performance.now() - keychain.answeredAt
await until('the page to load', () => window.webContents.listenerCount('did-finish-load') === 0)
step('ready')

report.errorBoxes = standIn.errorBoxes
report.windowCount = standIn.windows.length
report.sandboxEnabled = standIn.sandboxEnabled
report.webPreferences = window.options.webPreferences
report.loadedUrls = window.loadedUrls
report.permissionHandlers = Object.keys(standIn.permissionHandlers).sort()

// The bundle scheme: index.html with the CSP, and nothing outside the bundle.
const scheme = standIn.privilegedSchemes[0]?.scheme
const serve = standIn.protocolHandlers.get(scheme)
const fetchBundle = async (url) => {
  const response = await serve({ url, method: 'GET', headers: new Headers() })
  return { status: response.status, csp: response.headers.get('content-security-policy'), body: await response.text() }
}
report.bundle = {
  scheme,
  handled: [...standIn.protocolHandlers.keys()],
  index: await fetchBundle(`${scheme}://bundle/index.html`),
  outside: (await fetchBundle(`${scheme}://bundle/..%2F..%2Fpackage.json`)).status,
}

// Every channel: a stranger is refused before the service is reached; the app's own page is heard.
const stranger = { sender: { id: 'other' }, senderFrame: { url: window.webContents.mainFrame.url } }
const subframe = { sender: window.webContents, senderFrame: { url: window.webContents.mainFrame.url } }
const own = { sender: window.webContents, senderFrame: window.webContents.mainFrame }
report.channels = {}
for (const [channel, handler] of standIn.ipcHandlers) {
  report.channels[channel] = {
    stranger: (await handler(stranger, undefined))?.error?.code ?? 'answered',
    subframe: (await handler(subframe, undefined))?.error?.code ?? 'answered',
  }
}
report.ownListAccounts = await standIn.ipcHandlers.get('latchkey:listAccounts')?.(own, undefined)

// A window-open request from the page is denied; navigation is prevented.
report.windowOpen = window.webContents.windowOpenHandler?.({ url: 'https://evil.example/' })
let navigationPrevented = false
window.webContents.emit('will-navigate', { preventDefault: () => (navigationPrevented = true) }, 'https://evil.example/')
report.navigationPrevented = navigationPrevented

// A link given at launch reached the page once it had loaded.
const loginLinks = () => window.webContents.sent.filter((m) => m.channel === 'latchkey:loginLink').map((m) => m.payload)
report.linkAtLaunch = loginLinks()

// A second instance (the person starts Latchkey again, or opens a link on Windows/Linux).
window.minimized = true
app.emit('second-instance', {}, ['/opt/Latchkey/latchkey', '--flag', links[1]], '/', {})
report.secondInstance = { focus: window.focusCount, restore: window.restoreCount, windows: standIn.windows.length }
// macOS hands links to the running app with open-url; not a login link: ignored.
let openUrlPrevented = false
app.emit('open-url', { preventDefault: () => (openUrlPrevented = true) }, links[2])
app.emit('open-url', { preventDefault: () => {} }, 'latchkey://settings?evil=1')
report.openUrlPrevented = openUrlPrevented
report.linksSent = loginLinks()

// macOS: the window closes, the app stays (the stand-in's platform is not darwin, so the test
// stops the quit that window-all-closed asks for), and the Dock icon opens a new window that is
// heard over the same IPC while the old one is not; a link that came in between reaches the new one.
let quitOnClose = 0
const stopQuit = (event) => {
  quitOnClose++
  event.preventDefault()
}
app.on('before-quit', stopQuit)
window.close()
app.off('before-quit', stopQuit)
app.emit('open-url', { preventDefault: () => {} }, links[0])
app.emit('activate', {}, false)
const reopened = standIn.windows[1]
if (reopened) await until('the new window to load', () => reopened.webContents.listenerCount('did-finish-load') === 0)
const fromNew = { sender: reopened?.webContents, senderFrame: reopened?.webContents.mainFrame }
report.reopened = {
  windows: BrowserWindowCount(),
  quitAsked: quitOnClose,
  newWindowHeard: (await standIn.ipcHandlers.get('latchkey:listAccounts')?.(fromNew, undefined))?.ok === true,
  oldWindowHeard: (await standIn.ipcHandlers.get('latchkey:listAccounts')?.(own, undefined))?.ok === true,
  linksToNew: reopened?.webContents.sent.filter((m) => m.channel === 'latchkey:loginLink').map((m) => m.payload) ?? [],
}

function BrowserWindowCount() {
  return standIn.windows.filter((w) => !w.destroyed).length
}

// Quit: the service closes before the app is gone.
app.quit()
await until('the app to quit', () => standIn.quit, 10_000)
report.quitCalls = standIn.quitCalls
step('quit')
console.log(`BOOT-REPORT ${JSON.stringify(report)}`)
