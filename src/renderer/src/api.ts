/**
 * The one place the renderer reaches `window.latchkey`. Stores call `api()`; components never
 * do. Unwrapped so that calls resolve to values and reject with ContractError.
 */
import { unwrapBridge, type LatchkeyBridge } from '../../shared/bridge'
import type { LatchkeyApi } from '../../shared/contract'

let current: LatchkeyApi | undefined

export function api(): LatchkeyApi {
  current ??= unwrapBridge(window.latchkey)
  return current
}

/** Lets a component test hand the stores a fake bridge before they first call. */
export function useBridge(bridge: LatchkeyBridge): void {
  current = unwrapBridge(bridge)
}
