// The Electron entry point. Everything Electron-specific lives in ./electron; the rest of main
// runs in plain Node and is shared with the command line.
import { startApp } from './electron/app'

startApp()
