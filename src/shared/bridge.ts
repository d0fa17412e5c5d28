/**
 * `window.latchkey`: what the preload script exposes in the app, and what the e2e harness exposes
 * in a plain browser. Every call answers an Envelope (a value or a typed error) rather than
 * throwing, because an Error thrown across Electron's context bridge loses everything but its
 * message. `unwrapBridge` turns it back into calls that resolve to values and reject with
 * ContractError, for the renderer's stores.
 */
import { CALL_NAMES, type CallName, type EventName } from './channels'
import type { CallArgs, CallResult, EventPayload, LatchkeyApi } from './contract'
import { ContractError, type Envelope } from './errors'

type Listener<E extends EventName> = (payload: EventPayload<E>) => void

export type LatchkeyBridge = {
  [K in CallName]: (
    ...args: undefined extends CallArgs<K> ? [args?: CallArgs<K>] : [args: CallArgs<K>]
  ) => Promise<Envelope<CallResult<K>>>
} & {
  on<E extends EventName>(event: E, listener: Listener<E>): () => void
}

export function createBridge(
  invoke: (name: CallName, args: unknown) => Promise<unknown>,
  subscribe: (event: EventName, listener: (payload: unknown) => void) => () => void,
): LatchkeyBridge {
  const bridge: Record<string, unknown> = {
    on: (event: EventName, listener: (payload: unknown) => void) => subscribe(event, listener),
  }
  for (const name of CALL_NAMES) bridge[name] = (args?: unknown) => invoke(name, args)
  return bridge as LatchkeyBridge
}

export function unwrapBridge(bridge: LatchkeyBridge): LatchkeyApi {
  const api: Record<string, unknown> = { on: bridge.on.bind(bridge) }
  for (const name of CALL_NAMES) {
    api[name] = async (args?: unknown) => {
      const call = bridge[name] as (args?: unknown) => Promise<Envelope<unknown>>
      const envelope = await call(args)
      if (envelope.ok) return envelope.value
      throw new ContractError(envelope.error)
    }
  }
  return api as LatchkeyApi
}
