// A stand-in for the `electron` module, for starting the BUILT main bundle (out/main/index.js) in
// plain Node where no Electron binary can run. It does what the bundle asks of Electron just far
// enough to be driven, and records everything in `standIn` for the test to read. Loaded in place of
// 'electron' by ./hooks.mjs; used only by ./boot-child.mjs.
import { EventEmitter } from 'node:events'
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'

export const standIn = {
  name: undefined,
  paths: new Map(),
  sandboxEnabled: false,
  privilegedSchemes: [],
  protocolHandlers: new Map(),
  ipcHandlers: new Map(),
  windows: [],
  errorBoxes: [],
  opened: [],
  permissionHandlers: {},
  quitCalls: 0,
  quit: false,
  /** Desktop notifications shown (issue 11: new sign-ins), as { title, body }. */
  notifications: [],
  /** Resolves app.whenReady(); the test calls it when it has set the scene. */
  ready: () => {},
  /** When things happened (performance.now()): `ready`, then each `window`. */
  times: { ready: undefined, windows: [] },
  /** Answer of requestSingleInstanceLock (a second instance gets false). */
  singleInstanceLock: true,
}

class StandInApp extends EventEmitter {
  #ready = false
  #whenReady = new Promise((resolve) => {
    standIn.ready = () => {
      standIn.times.ready = performance.now()
      this.#ready = true
      this.emit('ready')
      resolve()
    }
  })

  get isPackaged() {
    return process.env.LATCHKEY_STAND_IN_PACKAGED === '1'
  }
  setName(name) {
    standIn.name = name
  }
  getName() {
    return standIn.name
  }
  setPath(name, value) {
    standIn.paths.set(name, value)
  }
  getPath(name) {
    const value = standIn.paths.get(name)
    if (value === undefined) throw new Error(`stand-in electron: no path "${name}" was set`)
    return value
  }
  requestSingleInstanceLock() {
    return standIn.singleInstanceLock
  }
  enableSandbox() {
    standIn.sandboxEnabled = true
  }
  whenReady() {
    return this.#whenReady
  }
  isReady() {
    return this.#ready
  }
  /** As Electron: before-quit, will-quit (which may be prevented), then quit. */
  quit() {
    standIn.quitCalls++
    let prevented = false
    const event = { preventDefault: () => (prevented = true) }
    this.emit('before-quit', event)
    if (prevented) return
    this.emit('will-quit', event)
    if (prevented) return
    standIn.quit = true
    this.emit('quit', event, 0)
  }
  exit() {
    standIn.quit = true
  }
}

export const app = new StandInApp()

class StandInWebContents extends EventEmitter {
  sent = []
  mainFrame = { url: '' }
  windowOpenHandler = undefined
  #destroyed = false
  send(channel, payload) {
    this.sent.push({ channel, payload })
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler
  }
  isDestroyed() {
    return this.#destroyed
  }
}

export class BrowserWindow extends EventEmitter {
  static getAllWindows() {
    return standIn.windows.filter((w) => !w.destroyed)
  }

  options
  webContents = new StandInWebContents()
  loadedUrls = []
  focusCount = 0
  restoreCount = 0
  minimized = false
  shown = false
  destroyed = false

  constructor(options) {
    super()
    this.options = options
    standIn.times.windows.push(performance.now())
    standIn.windows.push(this)
    app.emit('web-contents-created', {}, this.webContents)
  }
  loadURL(url) {
    this.loadedUrls.push(url)
    this.webContents.mainFrame.url = url
    // As Electron: the page finishes loading after the current task.
    setImmediate(() => {
      this.webContents.emit('did-finish-load')
      this.emit('ready-to-show')
    })
    return Promise.resolve()
  }
  show() {
    this.shown = true
  }
  focus() {
    this.focusCount++
  }
  isMinimized() {
    return this.minimized
  }
  restore() {
    this.restoreCount++
    this.minimized = false
  }
  isDestroyed() {
    return this.destroyed
  }
  /** The person closes the window (on macOS the app stays). */
  close() {
    this.destroyed = true
    this.emit('closed')
    if (BrowserWindow.getAllWindows().length === 0) app.emit('window-all-closed')
  }
}

export const ipcMain = {
  handle(channel, handler) {
    if (standIn.ipcHandlers.has(channel)) throw new Error(`stand-in electron: ${channel} handled twice`)
    standIn.ipcHandlers.set(channel, handler)
  },
}

export const protocol = {
  registerSchemesAsPrivileged(schemes) {
    if (app.isReady()) throw new Error('stand-in electron: registerSchemesAsPrivileged after ready (Electron refuses it)')
    standIn.privilegedSchemes.push(...schemes)
  },
  handle(scheme, handler) {
    if (!app.isReady()) throw new Error('stand-in electron: protocol.handle before ready (Electron refuses it)')
    standIn.protocolHandlers.set(scheme, handler)
  },
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' }

export const net = {
  /** Enough of net.fetch for the bundle protocol: file: URLs only. */
  async fetch(url) {
    if (!url.startsWith('file:')) throw new Error(`stand-in electron: net.fetch only reads files, not ${url}`)
    const path = fileURLToPath(url)
    try {
      const body = await readFile(path)
      return new Response(body, { status: 200, headers: { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' } })
    } catch {
      return new Response('not found', { status: 404 })
    }
  },
}

export const session = {
  defaultSession: {
    setPermissionRequestHandler: (handler) => (standIn.permissionHandlers.request = handler),
    setPermissionCheckHandler: (handler) => (standIn.permissionHandlers.check = handler),
    setDevicePermissionHandler: (handler) => (standIn.permissionHandlers.device = handler),
    webRequest: { onHeadersReceived: (handler) => (standIn.permissionHandlers.headers = handler) },
  },
}

export const dialog = {
  showErrorBox: (title, content) => standIn.errorBoxes.push({ title, content }),
}

export const shell = {
  openExternal: async (url) => {
    standIn.opened.push(url)
  },
}

export class Notification extends EventEmitter {
  static isSupported() {
    return true
  }

  constructor(options) {
    super()
    this.options = options
  }

  show() {
    standIn.notifications.push({ title: this.options?.title, body: this.options?.body })
  }
}

export default { app, BrowserWindow, ipcMain, protocol, net, session, dialog, shell, Notification }
