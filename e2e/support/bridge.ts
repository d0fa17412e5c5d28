/**
 * `window.latchkey` in the browser driver, with the same shape as the preload's createBridge:
 * one function per call answering an Envelope, plus `on(event, listener)`. Calls go to the
 * `__latchkeyInvoke` binding (bindContract in the test process); events arrive through
 * `__latchkeyDispatch`. Runs in the page as an init script: it may use nothing from outside.
 */
export function installBridge(callNames: string[]): void {
  type Listener = (payload: unknown) => void
  const page = window as unknown as {
    latchkey: unknown
    __latchkeyInvoke: (name: string, args: unknown) => Promise<unknown>
    __latchkeyDispatch: (event: string, payload: unknown) => void
  }
  const listeners = new Map<string, Set<Listener>>()
  page.__latchkeyDispatch = (event, payload) => {
    for (const listener of listeners.get(event) ?? []) listener(payload)
  }
  const bridge: Record<string, unknown> = {
    on(event: string, listener: Listener) {
      const set = listeners.get(event) ?? new Set<Listener>()
      listeners.set(event, set)
      set.add(listener)
      return () => {
        set.delete(listener)
      }
    },
  }
  for (const name of callNames) bridge[name] = (args?: unknown) => page.__latchkeyInvoke(name, args)
  page.latchkey = Object.freeze(bridge)
}
