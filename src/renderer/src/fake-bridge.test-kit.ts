/**
 * A fake `window.latchkey` for component tests: answers calls from handlers, records them, and
 * lets a test emit main's events. Handlers throw ContractError to answer a typed error.
 */
import { createBridge, type LatchkeyBridge } from '../../shared/bridge'
import type { CallName, EventName } from '../../shared/channels'
import type { Account, AccountsSnapshot, CallArgs, CallResult, Device, EventPayload } from '../../shared/contract'
import { ContractError } from '../../shared/errors'

export type Handlers = { [K in CallName]?: (args: CallArgs<K>) => CallResult<K> | Promise<CallResult<K>> }

export interface FakeBridge {
  bridge: LatchkeyBridge
  calls: Array<{ name: CallName; args: unknown }>
  handlers: Handlers
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void
  callsOf<K extends CallName>(name: K): Array<CallArgs<K>>
}

export function fakeBridge(handlers: Handlers = {}): FakeBridge {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  const calls: FakeBridge['calls'] = []
  const bridge = createBridge(
    async (name, args) => {
      calls.push({ name, args })
      const handler = handlers[name] as ((args: unknown) => unknown) | undefined
      if (!handler) return { ok: false, error: { code: 'internal', message: `The fake has no ${name}.` } }
      try {
        return { ok: true, value: await handler(args) }
      } catch (error) {
        if (error instanceof ContractError) return { ok: false, error: error.toData() }
        throw error
      }
    },
    (event, listener) => {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener)
      return () => set.delete(listener)
    },
  )
  return {
    bridge,
    calls,
    handlers,
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) listener(payload)
    },
    callsOf<K extends CallName>(name: K) {
      return calls.filter((c) => c.name === name).map((c) => c.args as CallArgs<K>)
    },
  }
}

let serial = 0

export function makeAccount(overrides: Partial<Account> = {}): Account {
  serial++
  const localpart = overrides.userId?.slice(1).split(':')[0] ?? `user${serial}`
  return {
    id: `acct-${localpart}`,
    userId: `@${localpart}:example.org`,
    homeserverUrl: 'https://matrix.example.org',
    serverName: 'example.org',
    deviceId: `LATCH${serial}`,
    displayName: localpart[0]!.toUpperCase() + localpart.slice(1),
    authApi: 'legacy',
    order: serial,
    addedAt: '2026-11-01T10:00:00.000Z',
    status: 'active',
    ...overrides,
  }
}

export function makeSnapshot(accounts: Account[], activeId = accounts[0]?.id ?? null): AccountsSnapshot {
  return { accounts, activeId, storage: 'keychain' }
}

export function makeDevice(overrides: Partial<Device> = {}): Device {
  serial++
  return {
    deviceId: `DEV${serial}`,
    displayName: `Device ${serial}`,
    lastSeenIp: `10.0.0.${serial % 250}`,
    lastSeenTs: Date.now() - serial * 60_000,
    current: false,
    ...overrides,
  }
}

/** n devices, the first one current, seen at spread-out times (some long ago). */
export function makeDevices(n: number, now = Date.now()): Device[] {
  return Array.from({ length: n }, (_, i) => ({
    deviceId: `D${String(i).padStart(6, '0')}`,
    displayName: i === 0 ? 'Latchkey on this computer' : `Phone ${i}`,
    lastSeenIp: `192.168.${(i >> 8) & 255}.${i & 255}`,
    lastSeenTs: now - ((i * 7919) % 400) * 24 * 3600_000,
    current: i === 0,
  }))
}
