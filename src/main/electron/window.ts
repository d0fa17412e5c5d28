import { app, BrowserWindow } from 'electron'
import { join } from 'node:path'
import { APP_URL, devServerUrl } from './policy'

/** The one window, with every web preference the Electron security checklist asks for. */
export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1120,
    height: 760,
    minWidth: 760,
    minHeight: 520,
    show: false,
    title: 'Latchkey',
    autoHideMenuBar: true,
    webPreferences: {
      // Built as CommonJS: a sandboxed preload is loaded by Electron's own loader, not as ESM.
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      // Middle-click (auxclick) could open links in a new Electron window: turned off.
      disableBlinkFeatures: 'Auxclick',
      navigateOnDragDrop: false,
      webviewTag: false,
      spellcheck: false,
      safeDialogs: true,
    },
  })
  window.once('ready-to-show', () => window.show())
  // The development server only while developing: a packaged app always loads its own bundle.
  void window.loadURL(devServerUrl(app.isPackaged) ?? APP_URL)
  return window
}
