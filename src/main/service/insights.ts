/**
 * Issue 11 in the service: every device with what it is, whether it is verified and whether it
 * is new; the master key remembered and its change warned about; Latchkey's own client
 * information published (or withdrawn); recommendations across accounts; and the batch sign-out
 * of inactive sessions.
 *
 * One look at an account is three requests in parallel — GET /devices, POST /keys/query and a
 * filtered /sync — and at most one write of accounts.json, only when something changed. Only
 * /devices must answer: without keys a device shows "could not check" with the reason, without
 * client information the user agent and the name still say what it is.
 */
import { patchAccount, type AccountRecord, type RegistrySnapshot } from '../accounts'
import { hostOf, keysOfUser, verifyDevices, type AccountVerification, type ClientInformation, type Device as MatrixDevice, type MatrixClient, type Verification as MatrixVerification } from '../matrix'
import type { AccountReview, CallArgs, CallResult, Device, NewDeviceReport } from '../../shared/contract'
import { ContractError } from '../../shared/errors'
import { commit, readSnapshot, recordOf, type ServiceContext } from './context'
import { describeDevice, type DeviceFacts } from './device-facts'
import { signOutDevices } from './devices'
import { toContractError } from './errors'
import { lookAt, lookWouldChange, markSeen, takeUnreported, type KnownDevices } from './known-devices'
import { forEachBounded } from './limit'

export const DEFAULT_INACTIVE_DAYS = 90
const DAY_MS = 24 * 60 * 60 * 1000

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }
const settle = <T>(p: Promise<T>): Promise<Settled<T>> => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }))

/** This session first, then the most recently seen. */
export function byRelevance(a: Device, b: Device): number {
  if (a.current !== b.current) return a.current ? -1 : 1
  return (b.lastSeenTs ?? -1) - (a.lastSeenTs ?? -1) || a.deviceId.localeCompare(b.deviceId)
}

// ---------------------------------------------------------------------------------------------
// Remembering devices and the master key

interface Remembered {
  known: KnownDevices | undefined
  appeared: string[]
  /** Set when the master key differs from the one remembered. */
  identityChanged?: { from: string; to: string }
  /** Set when the look changed the account's record (a new device, a master key). */
  wrote?: true
}

/**
 * Inside a registry update: record the devices seen and the master key, on the draft's current
 * record (another process may have written since we read). Answers what changed.
 */
function remember(draft: RegistrySnapshot, record: AccountRecord, deviceIds: readonly string[], masterKey: string | undefined, now: string): Remembered {
  const current = draft.accounts.find((a) => a.id === record.id)
  if (!current || current.deviceId !== record.deviceId) return { known: record.knownDevices, appeared: [] }
  const look = lookAt(current.knownDevices, deviceIds, now, current.deviceId)
  const out: Remembered = { known: look.known, appeared: look.appeared }
  if (look.changed) patchAccount(draft, current.id, { knownDevices: look.known })
  if (masterKey !== undefined) {
    const before = current.masterKey
    if (!before) patchAccount(draft, current.id, { masterKey: { key: masterKey, firstSeenAt: now } })
    else if (before.key !== masterKey) {
      patchAccount(draft, current.id, { masterKey: { key: masterKey, firstSeenAt: now, changedFrom: before.key, changedAt: now } })
      out.identityChanged = { from: before.key, to: masterKey }
    }
  }
  return out
}

/** Whether a look would change what the record remembers (so that an unchanged look writes nothing). */
function wouldChange(record: AccountRecord, deviceIds: readonly string[], masterKey: string | undefined): boolean {
  if (lookWouldChange(record.knownDevices, deviceIds)) return true
  return masterKey !== undefined && record.masterKey?.key !== masterKey
}

/** Records what a look saw and tells the person about new devices and a changed identity. */
export async function rememberAndTell(ctx: ServiceContext, record: AccountRecord, raw: readonly MatrixDevice[], masterKey: string | undefined): Promise<Remembered> {
  const ids = raw.map((d) => d.deviceId)
  if (!wouldChange(record, ids, masterKey)) return { known: record.knownDevices, appeared: [] }
  const now = new Date().toISOString()
  const { result } = await commit(ctx, (draft) => remember(draft, record, ids, masterKey, now))
  tell(ctx, record, raw, result)
  return { ...result, wrote: true }
}

export function tell(ctx: ServiceContext, record: AccountRecord, raw: readonly MatrixDevice[], what: Remembered): void {
  if (what.identityChanged) {
    ctx.events.emit('notice', {
      level: 'error',
      message:
        `The verification identity of ${record.userId} has changed. If you did not reset it yourself, someone who controls ${record.serverName} ` +
        'could be making sessions look verified, so Latchkey calls none of its sessions verified until you confirm: check them and sign out any you do not recognise.',
    })
  }
  if (what.appeared.length > 0) {
    const appeared = new Set(what.appeared)
    const devices = raw.filter((d) => appeared.has(d.deviceId)).map((d) => describeDevice(d, record.deviceId, what.known ? { known: what.known } : {}))
    ctx.events.emit('newDevices', { accountId: record.id, userId: record.userId, devices })
  }
}

/** For the session check, which lists devices instead of whoami: remember them in the check's own write. */
export function rememberInCheck(draft: RegistrySnapshot, record: AccountRecord, raw: readonly MatrixDevice[], now: string): Remembered {
  return remember(draft, record, raw.map((d) => d.deviceId), undefined, now)
}

// ---------------------------------------------------------------------------------------------
// One look at an account

export interface AccountLook {
  devices: Device[]
  verification?: AccountVerification
  /** The look changed the account's record (see Remembered). */
  wrote?: true
}

/** Every device of the account with all its facts; emits devicesChanged (and newDevices, notices). */
export async function lookAtDevices(ctx: ServiceContext, record: AccountRecord, client: MatrixClient): Promise<AccountLook> {
  // All three settle before anything is decided: no request of this look outlives the call.
  const [listed, keys, info] = await Promise.all([settle(client.devices()), settle(client.keysQuery([record.userId])), settle(client.clientInformation())])
  if (!listed.ok) throw toContractError(listed.error, { server: record.serverName })
  const raw = listed.value
  const facts: DeviceFacts = {}
  let verification: AccountVerification | undefined
  if (keys.ok) {
    verification = await verifyDevices(record.userId, keysOfUser(keys.value, record.userId), raw.map((d) => d.deviceId))
    facts.verification = verification.devices
  } else {
    facts.verificationProblem = `Latchkey could not ask for the encryption keys: ${toContractError(keys.error, { server: record.serverName }).message}`
  }
  if (info.ok) facts.clientInformation = info.value
  const remembered = await rememberAndTell(ctx, record, raw, verification?.masterKey)
  if (remembered.known) facts.known = remembered.known
  // A changed identity the person has not confirmed vouches for nothing: a server that swapped it
  // could sign any session (issue 11 §2). "Verified" comes back once they say they reset it.
  if (facts.verification && (remembered.identityChanged || record.masterKey?.changedAt !== undefined)) {
    facts.verification = withheldVerified(facts.verification)
  }
  const devices = raw.map((d) => describeDevice(d, record.deviceId, facts)).sort(byRelevance)
  ctx.events.emit('devicesChanged', { accountId: record.id, devices })
  await publishOwnClientInformation(ctx, record, client)
  const look: AccountLook = { devices }
  if (verification) look.verification = verification
  if (remembered.wrote) look.wrote = true
  return look
}

const IDENTITY_UNCONFIRMED =
  'It is signed by this account’s new verification identity, which you have not confirmed yet: Latchkey calls it verified once you say you reset the identity yourself.'

/** Every "verified" becomes "could not check", saying why. */
function withheldVerified(verdicts: ReadonlyMap<string, MatrixVerification>): Map<string, MatrixVerification> {
  const out = new Map<string, MatrixVerification>()
  for (const [id, v] of verdicts) out.set(id, v.state === 'verified' ? { state: 'unknown', why: IDENTITY_UNCONFIRMED } : v)
  return out
}

// ---------------------------------------------------------------------------------------------
// Latchkey's own client information

/**
 * Publishes Latchkey's name, version and project page for its own device (so Element and others
 * show it by name), or withdraws it with `{}` when the setting is off. Once per change, recorded
 * in accounts.json; a failure is left for the next look.
 */
export async function publishOwnClientInformation(ctx: ServiceContext, record: AccountRecord, client: MatrixClient): Promise<void> {
  const { publishClientInformation } = await ctx.insights.settings()
  const published = record.clientInfoPublished === true
  if (publishClientInformation === published) return
  const content: ClientInformation | Record<string, never> = publishClientInformation ? { ...ctx.insights.clientInformation } : {}
  try {
    await client.publishClientInformation(record.deviceId, content)
  } catch {
    return
  }
  await commit(ctx, (draft) => {
    const current = draft.accounts.find((a) => a.id === record.id)
    if (current && current.deviceId === record.deviceId) patchAccount(draft, current.id, { clientInfoPublished: publishClientInformation })
  })
}

/** After the setting changed: publish or withdraw on every signed-in account. */
export async function syncClientInformation(ctx: ServiceContext): Promise<void> {
  const snapshot = await readSnapshot(ctx)
  await forEachBounded(snapshot.accounts.filter((a) => a.status === 'active'), (r) => hostKey(r.homeserverUrl), ctx.tuning.checksPerHost, async (record) => {
    try {
      await publishOwnClientInformation(ctx, record, await ctx.pool.client(record))
    } catch {
      // No secret or no server: the next look tries again.
    }
  })
}

// ---------------------------------------------------------------------------------------------
// Recommendations across accounts

export function reviewOf(record: AccountRecord, devices: Device[], inactiveDays: number, now: number): AccountReview {
  const cutoff = now - inactiveDays * DAY_MS
  const others = devices.filter((d) => !d.current)
  const review: AccountReview = {
    accountId: record.id,
    userId: record.userId,
    unverified: others.filter((d) => d.verification?.state === 'unverified').map((d) => d.deviceId),
    inactive: others.filter((d) => d.lastSeenTs !== undefined && d.lastSeenTs < cutoff).map((d) => d.deviceId),
    new: others.filter((d) => d.new).map((d) => d.deviceId),
    unknown: others.filter((d) => d.verification?.state === 'unknown').map((d) => d.deviceId),
    devices,
  }
  if (record.masterKey?.changedAt) review.identityChangedAt = record.masterKey.changedAt
  return review
}

export async function review(ctx: ServiceContext, args: CallArgs<'review'>): Promise<CallResult<'review'>> {
  const inactiveDays = args?.inactiveDays ?? DEFAULT_INACTIVE_DAYS
  const snapshot = await readSnapshot(ctx)
  const looks = new Map<string, Device[] | { code: string; message: string }>()
  let wrote = false
  await forEachBounded(snapshot.accounts, (r) => hostKey(r.homeserverUrl), ctx.tuning.checksPerHost, async (record) => {
    if (record.status !== 'active') {
      looks.set(record.id, { code: 'logged-out', message: `Sign in to ${record.userId} again to review its sessions.` })
      return
    }
    try {
      const look = await lookAtDevices(ctx, record, await ctx.pool.client(record))
      if (look.wrote) wrote = true
      looks.set(record.id, look.devices)
    } catch (error) {
      const e = toContractError(error, { server: record.serverName })
      looks.set(record.id, { code: e.code, message: e.message })
    }
  })
  // A look may have just written a master key's change: then the records as they are now.
  const latest = new Map((wrote ? (await readSnapshot(ctx)).accounts : snapshot.accounts).map((a) => [a.id, a]))
  const now = Date.now()
  return {
    accounts: snapshot.accounts.flatMap((original) => {
      const look = looks.get(original.id)
      const record = latest.get(original.id) ?? original
      if (!look) return []
      return [Array.isArray(look) ? reviewOf(record, look, inactiveDays, now) : emptyReview(record, look.code, look.message)]
    }),
  }
}

function emptyReview(record: AccountRecord, code: string, message: string): AccountReview {
  const r: AccountReview = { accountId: record.id, userId: record.userId, error: { code, message }, unverified: [], inactive: [], new: [], unknown: [], devices: [] }
  if (record.masterKey?.changedAt) r.identityChangedAt = record.masterKey.changedAt
  return r
}

/** The person says they reset the identity themselves: the new key stays remembered, the warning goes. */
export async function acknowledgeIdentity(ctx: ServiceContext, args: CallArgs<'acknowledgeIdentity'>): Promise<void> {
  const record = await recordOf(ctx, args.accountId)
  if (!record.masterKey?.changedAt) return
  await commit(ctx, (draft) => {
    const current = draft.accounts.find((a) => a.id === record.id)
    const key = current?.masterKey
    if (current && key) patchAccount(draft, current.id, { masterKey: { key: key.key, firstSeenAt: key.firstSeenAt } })
  })
}

// ---------------------------------------------------------------------------------------------
// New marks

export async function markDevicesSeen(ctx: ServiceContext, args: CallArgs<'markDevicesSeen'>): Promise<void> {
  const record = await recordOf(ctx, args.accountId)
  if (!markSeen(record.knownDevices, args.deviceIds)) return
  await commit(ctx, (draft) => {
    const current = draft.accounts.find((a) => a.id === record.id)
    const next = current ? markSeen(current.knownDevices, args.deviceIds) : undefined
    if (current && next) patchAccount(draft, current.id, { knownDevices: next })
  })
}

/**
 * For `latchkey check`: every New device not reported yet, each answered once (marked
 * `reported`); the app's New mark stays until the person looks in the app.
 */
export async function takeNewDeviceReports(ctx: ServiceContext): Promise<NewDeviceReport[]> {
  const before = await readSnapshot(ctx)
  if (!before.accounts.some((a) => takeUnreported(a))) return []
  const { result } = await commit(ctx, (draft) => {
    const taken: Array<{ record: AccountRecord; ids: string[] }> = []
    for (const record of draft.accounts) {
      const t = takeUnreported(record)
      if (!t) continue
      patchAccount(draft, record.id, { knownDevices: t.known })
      taken.push({ record, ids: t.ids })
    }
    return taken
  })
  const reports: NewDeviceReport[] = []
  for (const { record, ids } of result) {
    for (const deviceId of ids) {
      const known = record.knownDevices?.[deviceId]
      const device: Device = { deviceId, current: false, new: true }
      if (known) device.firstSeenAt = known.firstSeenAt
      reports.push({ accountId: record.id, userId: record.userId, device })
    }
  }
  return reports
}

// ---------------------------------------------------------------------------------------------
// Signing out inactive sessions across accounts

export async function signOutInactive(ctx: ServiceContext, args: CallArgs<'signOutInactive'>): Promise<CallResult<'signOutInactive'>> {
  const total = args.accounts.reduce((n, a) => n + a.deviceIds.length, 0)
  let done = 0
  const progress = (): void => ctx.events.emit('progress', { operation: 'signOutInactive', done, total })
  progress()
  const results: CallResult<'signOutInactive'>['results'] = []
  // One account after another: each may need its own answer (password or browser).
  for (const entry of args.accounts) {
    try {
      const r = await signOutDevices(ctx, entry.auth ? { accountId: entry.accountId, deviceIds: entry.deviceIds, auth: entry.auth } : { accountId: entry.accountId, deviceIds: entry.deviceIds })
      results.push({ accountId: entry.accountId, signedOut: r.signedOut })
      done += r.signedOut.length
    } catch (error) {
      const e = error instanceof ContractError ? error : toContractError(error)
      results.push({ accountId: entry.accountId, signedOut: [], error: { code: e.code, message: e.message } })
    }
    progress()
  }
  return { results }
}

function hostKey(url: string): string {
  try {
    return hostOf(url)
  } catch {
    return url
  }
}
