/**
 * The preload script: exposes `window.latchkey` (the contract's calls and events) and nothing
 * else. No logic lives here; main validates everything it receives.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { createBridge } from '../shared/bridge'
import { EVENT_NAMES, ipcChannel } from '../shared/channels'

const bridge = createBridge(
  (name, args) => ipcRenderer.invoke(ipcChannel(name), args),
  (event, listener) => {
    if (!EVENT_NAMES.includes(event)) return () => {}
    const forward = (_event: unknown, payload: unknown) => listener(payload)
    ipcRenderer.on(ipcChannel(event), forward)
    return () => {
      ipcRenderer.removeListener(ipcChannel(event), forward)
    }
  },
)

contextBridge.exposeInMainWorld('latchkey', bridge)
