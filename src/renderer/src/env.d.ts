/// <reference types="vite/client" />
import type { LatchkeyBridge } from '../../shared/bridge'

declare global {
  interface Window {
    /** Exposed by the preload script (or the e2e harness): the contract, every call an Envelope. */
    latchkey: LatchkeyBridge
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

export {}
