/**
 * checkAll: asks every account's server, all at once (within a total bound and a generous one per
 * host), whether its session still works — one request per account, on kept-alive connections,
 * with each server's versions kept from earlier runs — and records what it learnt in one write.
 * Pending logouts are retried here.
 */
import { patchAccount, removeAccount, type AccountRecord, type AccountStatus } from '../accounts'
import { hostOf, isMatrixError, type Device as MatrixDevice } from '../matrix'
import type { AccountsSnapshot } from '../../shared/contract'
import { ContractError } from '../../shared/errors'
import { commit, readSnapshot, type ServiceContext } from './context'
import { toContractError } from './errors'
import { rememberInCheck, tell } from './insights'
import { forEachBounded } from './limit'
import { cannotReach, dropSecret, retryLogout } from './logout'

type Outcome =
  | { kind: 'status'; status: AccountStatus; message?: string; /** GET /devices proved the session (issue 11 §6). */ devices?: MatrixDevice[] }
  | { kind: 'remove' }
  | { kind: 'keep' }

export async function checkAll(ctx: ServiceContext): Promise<AccountsSnapshot> {
  const before = await readSnapshot(ctx)
  const total = before.accounts.length
  let done = 0
  ctx.events.emit('progress', { operation: 'checkAll', done, total })
  const outcomes = new Map<string, Outcome>()
  const bounds = { perKey: ctx.tuning.checksPerHost, total: ctx.tuning.checksInFlight }
  // The connections' handshakes go out now, while the secrets are read from the keychain.
  const perServer = new Map<string, number>()
  for (const r of before.accounts) perServer.set(r.homeserverUrl, (perServer.get(r.homeserverUrl) ?? 0) + 1)
  for (const [url, count] of perServer) ctx.transport.preconnect(url, Math.min(count, bounds.perKey))
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
  const { snapshot } = await commit(ctx, (draft) => {
    for (const original of before.accounts) {
      const outcome = outcomes.get(original.id)
      const current = draft.accounts.find((a) => a.id === original.id)
      // Changed by someone else while we asked (re-login, logout in the other process): theirs is newer.
      if (!outcome || !current || current.deviceId !== original.deviceId || current.status !== original.status) continue
      if (outcome.kind === 'remove') {
        removeAccount(draft, current.id)
        removed.push(current)
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
  return snapshot
}

async function checkOne(ctx: ServiceContext, record: AccountRecord): Promise<Outcome> {
  if (record.status === 'pending-logout') {
    const retried = await retryLogout(ctx, record)
    return retried === 'ended' ? { kind: 'remove' } : { kind: 'status', status: 'pending-logout', message: retried.message }
  }
  try {
    const client = await ctx.pool.client(record)
    // The device list proves the token as whoami would, and shows new devices at no extra cost.
    const devices = await client.devices()
    return { kind: 'status', status: 'active', devices }
  } catch (error) {
    return judge(error, record)
  }
}

function judge(error: unknown, record: AccountRecord): Outcome {
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
