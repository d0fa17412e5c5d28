/**
 * checkAll: asks every account's server, all at once (within a total bound and a generous one per
 * host), whether its session still works — one request per account, on kept-alive connections,
 * with each server's versions kept from earlier runs — and records what it learnt in one write.
 * Pending logouts are retried here.
 *
 * An account whose token cannot be found while the secret store is memory (no keychain answered)
 * is left exactly as it was and listed in `keychainUnread`: its token may still be in the keychain
 * (issue 9 §3).
 */
import { patchAccount, removeAccount, type AccountRecord, type AccountStatus } from '../accounts'
import { connectionsFor, hostOf, isMatrixError, type Device as MatrixDevice } from '../matrix'
import type { CallResult } from '../../shared/contract'
import { ContractError } from '../../shared/errors'
import { commit, readSnapshot, type ServiceContext } from './context'
import { toContractError } from './errors'
import { rememberInCheck, tell } from './insights'
import { forEachBounded } from './limit'
import { cannotReach, dropSecret, noSessionSentence, retryLogout } from './logout'

type Outcome =
  | { kind: 'status'; status: AccountStatus; message?: string; /** GET /devices proved the session (issue 11 §6). */ devices?: MatrixDevice[] }
  | { kind: 'remove'; notice?: string }
  | { kind: 'keep' }
  | { kind: 'keychain-unread' }

export async function checkAll(ctx: ServiceContext): Promise<CallResult<'checkAll'>> {
  const before = await readSnapshot(ctx)
  const total = before.accounts.length
  let done = 0
  ctx.events.emit('progress', { operation: 'checkAll', done, total })
  const outcomes = new Map<string, Outcome>()
  const bounds = { perKey: ctx.tuning.checksPerHost, total: ctx.tuning.checksInFlight }
  // The connections' handshakes go out now, while the secrets are read from the keychain.
  const perServer = new Map<string, number>()
  for (const r of before.accounts) perServer.set(r.homeserverUrl, (perServer.get(r.homeserverUrl) ?? 0) + 1)
  for (const [url, count] of connectionsFor(perServer, { perServer: bounds.perKey, total: bounds.total })) ctx.transport.preconnect(url, count)
  await forEachBounded(before.accounts, (r) => hostKey(r.homeserverUrl), bounds, async (record) => {
    outcomes.set(record.id, await checkOne(ctx, record))
    done++
    ctx.events.emit('progress', { operation: 'checkAll', done, total })
  })
  // Versions learnt beside the checks (a server not seen for a day) are written with the results.
  await ctx.servers.settled()

  const now = new Date().toISOString()
  const removed: AccountRecord[] = []
  const told: Array<() => void> = []
  const notices: string[] = []
  const { snapshot } = await commit(ctx, (draft) => {
    for (const original of before.accounts) {
      const outcome = outcomes.get(original.id)
      const current = draft.accounts.find((a) => a.id === original.id)
      // Changed by someone else while we asked (re-login, logout in the other process): theirs is newer.
      if (!outcome || !current || current.deviceId !== original.deviceId || current.status !== original.status) continue
      if (outcome.kind === 'remove') {
        removeAccount(draft, current.id)
        removed.push(current)
        if (outcome.notice) notices.push(outcome.notice)
      } else if (outcome.kind === 'status') {
        patchAccount(draft, current.id, { status: outcome.status, statusMessage: outcome.message, lastCheckedAt: now })
        const devices = outcome.devices
        if (devices) {
          const remembered = rememberInCheck(draft, current, devices, now)
          told.push(() => tell(ctx, current, devices, remembered))
        }
      }
    }
  })
  for (const record of removed) await dropSecret(ctx, record)
  for (const t of told) t()
  for (const message of notices) ctx.events.emit('notice', { level: 'info', message })
  const unread = before.accounts.filter((r) => outcomes.get(r.id)?.kind === 'keychain-unread')
  if (unread.length === 0) return snapshot
  ctx.events.emit('notice', {
    level: 'error',
    message: `The keychain could not be read, so Latchkey could not find the token of ${nameSome(unread.map((r) => r.userId))}; ${unread.length === 1 ? 'that account was' : 'those accounts were'} not checked and ${unread.length === 1 ? 'is' : 'are'} kept as ${unread.length === 1 ? 'it was' : 'they were'} (a pending logout stays pending).`,
  })
  return { ...snapshot, keychainUnread: unread.map((r) => r.id) }
}

/** "a, b, c and 7 more": a list a person can read, however long. */
function nameSome(names: readonly string[]): string {
  const shown = names.slice(0, 3).join(', ')
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown
}

async function checkOne(ctx: ServiceContext, record: AccountRecord): Promise<Outcome> {
  if (record.status === 'pending-logout') {
    const retried = await retryLogout(ctx, record)
    if (retried === 'ended') return { kind: 'remove' }
    if (retried === 'no-session') return { kind: 'remove', notice: noSessionSentence(record) }
    if (retried.keychainUnread) return { kind: 'keychain-unread' }
    return { kind: 'status', status: 'pending-logout', message: retried.message }
  }
  try {
    const client = await ctx.pool.client(record)
    // The device list proves the token as whoami would, and shows new devices at no extra cost.
    const devices = await client.devices()
    return { kind: 'status', status: 'active', devices }
  } catch (error) {
    return judge(ctx, error, record)
  }
}

function judge(ctx: ServiceContext, error: unknown, record: AccountRecord): Outcome {
  if (error instanceof ContractError && error.code === 'soft-logged-out' && ctx.secrets.kind !== 'keychain') {
    // No token in memory: it may be in the keychain that did not answer.
    return { kind: 'keychain-unread' }
  }
  if (error instanceof ContractError) {
    // No secret, or a damaged one: signing in again (same device) repairs it.
    return { kind: 'status', status: 'soft-logged-out', message: error.message }
  }
  const message = toContractError(error, { server: record.serverName }).message
  if (isMatrixError(error, 'logged-out')) return { kind: 'status', status: error.softLogout ? 'soft-logged-out' : 'logged-out', message }
  if (isMatrixError(error, 'user-locked')) return { kind: 'status', status: 'locked', message }
  if (isMatrixError(error, 'rate-limited')) return { kind: 'keep' }
  if (cannotReach(error)) return { kind: 'status', status: 'unreachable', message }
  // Anything else (a refusal we cannot read as a session state): leave the status as it was.
  return { kind: 'keep' }
}

function hostKey(url: string): string {
  try {
    return hostOf(url)
  } catch {
    return url
  }
}
