/**
 * What every part of the service shares: the account list, the secrets, the clients, the event
 * hub, and the few helpers that keep "every change emits an event" and "errors are sentences"
 * true in one place.
 */
import { deepFreeze, type AccountRecord, type AccountRegistry, type RegistrySnapshot, type SecretStore, type SettingsFile } from '../accounts'
import { MatrixClient, type KnownServers, type ServerVersions, type StageHandler, type Transport } from '../matrix'
import { ssoUiaStages } from '../sso'
import type { AccountsSnapshot } from '../../shared/contract'
import { ContractError } from '../../shared/errors'
import type { AccountsFeed } from './accounts-feed'
import { toSnapshot } from './accounts-view'
import { mapErrors } from './errors'
import type { EventHub } from './events'
import { seedKnownServers, writeKnownServers } from './server-versions'
import type { SessionPool } from './session-pool'
import type { InsightsOptions, ServiceTuning } from './types'

export interface ServiceContext {
  registry: AccountRegistry
  /** settings.json: theme, and the insights settings (publishClientInformation, newDeviceCheckMinutes). */
  settings: SettingsFile
  secrets: SecretStore
  /** Why tokens are in memory only, when they are. */
  secretsNotice: string | undefined
  events: EventHub
  /** Emits accountsChanged: every change of this service's, and each list another process wrote. */
  accounts: AccountsFeed
  pool: SessionPool
  transport: Transport
  /** Every server's versions (learnt once, kept in accounts.json for a day), signals and served paths. */
  servers: KnownServers
  tuning: ServiceTuning
  deviceName: string
  openExternal: (url: string) => Promise<void>
  /** Aborted by close(): stops browser waits. */
  closing: AbortSignal
  /** Issue 11: the settings it reads and what Latchkey says about itself in client information. */
  insights: InsightsOptions
}

export function storageNotice(ctx: ServiceContext): string | undefined {
  const parts = [ctx.secretsNotice, ctx.registry.lastCorruption?.message].filter((p): p is string => Boolean(p))
  return parts.length > 0 ? parts.join(' ') : undefined
}

// registry.read() answers the same frozen list while accounts.json is unchanged: its view is made
// once (for a list with thousands of known devices, a millisecond or two at every look).
const views = new WeakMap<RegistrySnapshot, { storage: string; notice: string | undefined; view: AccountsSnapshot }>()

/** The contract's view of a list: frozen, and shared by everyone who asks for the same list. */
export function snapshotOf(ctx: ServiceContext, s: RegistrySnapshot): AccountsSnapshot {
  const notice = storageNotice(ctx)
  const known = views.get(s)
  if (known && known.storage === ctx.secrets.kind && known.notice === notice) return known.view
  const view = deepFreeze(toSnapshot(s, ctx.secrets, notice))
  // A list that is not frozen (a change's own result) may still change: never remembered.
  if (Object.isFrozen(s)) views.set(s, { storage: ctx.secrets.kind, notice, view })
  return view
}

/** The list as accounts.json has it now; a change another process made is emitted if nobody was told yet. */
export async function readSnapshot(ctx: ServiceContext): Promise<RegistrySnapshot> {
  const since = ctx.accounts.generation
  const snapshot = await mapErrors(() => ctx.registry.read())
  seedKnownServers(ctx.servers, snapshot)
  ctx.accounts.read(snapshotOf(ctx, snapshot), since)
  return snapshot
}

/** Applies a change to the account list, emits accountsChanged, and answers the new snapshot. */
export async function commit<T>(
  ctx: ServiceContext,
  change: (draft: RegistrySnapshot) => T,
): Promise<{ snapshot: AccountsSnapshot; records: RegistrySnapshot; result: T }> {
  const { snapshot, result } = await mapErrors(() =>
    ctx.registry.update((draft) => {
      seedKnownServers(ctx.servers, draft)
      const result = change(draft)
      // What this process learnt about servers goes with every change it writes.
      writeKnownServers(ctx.servers, draft)
      return result
    }),
  )
  const view = snapshotOf(ctx, snapshot)
  ctx.accounts.changed(view)
  return { snapshot: view, records: snapshot, result }
}

export async function recordOf(ctx: ServiceContext, accountId: string): Promise<AccountRecord> {
  const snapshot = await readSnapshot(ctx)
  const record = snapshot.accounts.find((a) => a.id === accountId)
  if (!record) {
    throw new ContractError({ code: 'not-found', message: 'That account is no longer in the list; it may have been removed.' })
  }
  return record
}

/** A client with no session yet, for signing in. */
export function freshClient(ctx: ServiceContext, baseUrl: string, versions?: ServerVersions): MatrixClient {
  return new MatrixClient({ baseUrl, transport: ctx.transport, servers: ctx.servers, ...(versions ? { versions } : {}) })
}

/**
 * The `m.login.sso` stage for the UIA driver: the server's confirmation page opens in the browser
 * and the request is retried until the server sees it done. Made per call (the handler remembers
 * its session); close() ends the wait.
 */
export function browserConfirmation(ctx: ServiceContext): Record<string, StageHandler> {
  return ssoUiaStages({
    openExternal: ctx.openExternal,
    pollIntervalMs: ctx.tuning.ssoPollIntervalMs,
    timeoutMs: ctx.tuning.ssoTimeoutMs,
    signal: ctx.closing,
  })
}
