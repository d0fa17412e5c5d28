/**
 * Ending sessions. `logout` revokes the session on the server, then removes the account and its
 * secret. When the server cannot be reached the account stays, marked pending-logout, and the next
 * checkAll tries again: the token must not be dropped while it still works. `forget` is the
 * separate, explicit way to drop an account without revoking it.
 *
 * A token that cannot be found is "nothing left to revoke" only when the keychain answered. While
 * the secret store is memory (no keychain answered, or the test switch), the token may still sit,
 * valid, in the real keychain: logout and check then keep the account as it is and say so
 * (issue 9 §3).
 */
import { removeAccount, secretKey, patchAccount, type AccountRecord } from '../accounts'
import { accountManagementUrl, isMatrixError, type MatrixClient, type MatrixError } from '../matrix'
import { revokeSession } from './oauth'
import type { AccountsSnapshot, CallArgs, CallResult } from '../../shared/contract'
import { ContractError } from '../../shared/errors'
import { commit, recordOf, type ServiceContext } from './context'
import { toContractError } from './errors'

type LogoutResult = CallResult<'logout'>

export async function logout(ctx: ServiceContext, args: CallArgs<'logout'>): Promise<LogoutResult> {
  const record = await recordOf(ctx, args.accountId)
  const client = await sessionOrNull(ctx, record)
  if (!client) {
    if (ctx.secrets.kind !== 'keychain') throw keychainUnread(record)
    await removeEverywhere(ctx, record)
    return { outcome: 'logged-out', message: noSessionSentence(record) }
  }
  try {
    await endSession(ctx, record, client)
  } catch (error) {
    const ended = alreadyEnded(error, record)
    if (ended) {
      await removeEverywhere(ctx, record)
      return { outcome: 'logged-out', message: ended }
    }
    if (!cannotReach(error)) throw toContractError(error, { server: record.serverName })
    const message = pendingSentence(record, error as MatrixError)
    await commit(ctx, (draft) => patchAccount(draft, record.id, { status: 'pending-logout', statusMessage: message }))
    return { outcome: 'pending-logout', message }
  }
  await removeEverywhere(ctx, record)
  return { outcome: 'logged-out', message: `Signed ${record.userId} out of ${record.serverName} and removed the account.` }
}

export async function logoutAll(ctx: ServiceContext, args: CallArgs<'logoutAll'>): Promise<LogoutResult> {
  const record = await recordOf(ctx, args.accountId)
  if (record.authApi === 'oauth' || record.accountManagement) {
    // Such servers end sessions on their account page (spec: OAuth 2.0 aware clients, MUST).
    const page = record.accountManagement ? accountManagementUrl({ accountManagementUri: record.accountManagement.url, accountManagementActionsSupported: record.accountManagement.actions }, 'org.matrix.devices_list') : undefined
    if (page) await ctx.openExternal(page).catch(() => undefined)
    throw new ContractError({
      code: 'unsupported',
      message: page
        ? `${record.serverName} signs sessions out on its own account page, which Latchkey opened in your browser: sign the other devices out there.`
        : `${record.serverName} signs sessions out on its own account page; open it from the server's website to sign the other devices out.`,
    })
  }
  const client = await sessionOrNull(ctx, record)
  if (!client) {
    if (ctx.secrets.kind !== 'keychain') throw keychainUnread(record)
    // The keychain has no token for it: nothing can sign its sessions out from here.
    await ctx.pool.client(record)
  }
  try {
    await client!.logoutAll()
  } catch (error) {
    const ended = alreadyEnded(error, record)
    if (!ended) {
      const mapped = toContractError(error, { server: record.serverName })
      if (cannotReach(error)) {
        throw new ContractError({ ...mapped.toData(), message: `${mapped.message.replace(/\.$/, '')}; nothing was signed out.` })
      }
      throw mapped
    }
    // This session had ended already, so its token cannot end the others: say so plainly.
    await removeEverywhere(ctx, record)
    return { outcome: 'logged-out', message: `${ended} Its other sessions could not be signed out with it.` }
  }
  await removeEverywhere(ctx, record)
  return { outcome: 'logged-out', message: `Signed every session of ${record.userId} out of ${record.serverName} and removed the account.` }
}

export async function forget(ctx: ServiceContext, args: CallArgs<'forget'>): Promise<AccountsSnapshot> {
  const record = await recordOf(ctx, args.accountId)
  return removeEverywhere(ctx, record)
}

/**
 * checkAll's second try at a pending logout: 'ended' when the server confirmed (or the session
 * had ended anyway), 'no-session' when the keychain holds no token for it — the caller then
 * removes the account and its secret — else the sentence to keep showing (`keychainUnread` when
 * the token could not be looked for).
 */
export async function retryLogout(
  ctx: ServiceContext,
  record: AccountRecord,
): Promise<'ended' | 'no-session' | { message: string; keychainUnread?: true }> {
  const client = await sessionOrNull(ctx, record)
  if (!client) {
    if (ctx.secrets.kind !== 'keychain') return { message: keychainUnread(record).message, keychainUnread: true }
    return 'no-session'
  }
  try {
    await endSession(ctx, record, client)
  } catch (error) {
    if (!alreadyEnded(error, record)) {
      return { message: isMatrixError(error) ? pendingSentence(record, error) : toContractError(error).message }
    }
  }
  return 'ended'
}

/**
 * Ends this account's session on the server: an OAuth 2.0 session by revoking both its tokens at
 * the issuer (its /logout answers 404 there), any other by POST /logout.
 */
async function endSession(ctx: ServiceContext, record: AccountRecord, client: MatrixClient): Promise<void> {
  if (record.authApi !== 'oauth' || !record.oauth) return client.logout()
  const tokens = await ctx.secrets.get(secretKey(record.userId, record.deviceId))
  if (tokens) await revokeSession(ctx, record, tokens)
}

/** The account leaves the list first (what the person sees), then its secret leaves the keychain. */
async function removeEverywhere(ctx: ServiceContext, record: AccountRecord): Promise<AccountsSnapshot> {
  const { snapshot } = await commit(ctx, (draft) => void removeAccount(draft, record.id))
  await dropSecret(ctx, record)
  return snapshot
}

export async function dropSecret(ctx: ServiceContext, record: AccountRecord): Promise<void> {
  ctx.pool.drop(record.id)
  try {
    await ctx.secrets.delete(secretKey(record.userId, record.deviceId))
  } catch (error) {
    ctx.events.emit('notice', {
      level: 'warning',
      message: `${record.userId} was removed, but its token could not be deleted from the keychain: ${toContractError(error).message}`,
    })
  }
}

async function sessionOrNull(ctx: ServiceContext, record: AccountRecord): Promise<MatrixClient | null> {
  try {
    return await ctx.pool.client(record)
  } catch (error) {
    if (error instanceof ContractError && error.code === 'soft-logged-out') return null
    throw error
  }
}

/**
 * The token is not in this process's memory store; the keychain it may be in did not answer. The
 * account stays as it is (a pending logout stays pending).
 */
export function keychainUnread(record: AccountRecord): ContractError {
  const kept = record.status === 'pending-logout' ? 'kept as pending logout' : 'kept as it was'
  return new ContractError({
    code: 'storage',
    message: `The keychain could not be read, so Latchkey cannot find the token of ${record.userId} to sign it out; it may still work. The account is ${kept}: try again where the keychain answers, or use forget to drop it without signing out.`,
  })
}

/** The keychain answered and holds no token for the account: nothing is left to revoke. */
export function noSessionSentence(record: AccountRecord): string {
  return `${record.userId} had no saved session in the keychain, so there was nothing left to sign out; Latchkey removed the account.`
}

/** The sentence for a session the server had already ended, or null. */
function alreadyEnded(error: unknown, record: AccountRecord): string | null {
  if (!isMatrixError(error, 'logged-out')) return null
  return error.softLogout
    ? `The session of ${record.userId} had already ended on ${record.serverName}; Latchkey removed the account. Its device ${record.deviceId} may still be listed there until another session signs it out.`
    : `${record.userId} had already been signed out on ${record.serverName}; Latchkey removed the account.`
}

/** Failures that say nothing about the session: the server was not there to ask. */
export function cannotReach(error: unknown): boolean {
  if (!isMatrixError(error)) return false
  if (error.kind === 'network' || error.kind === 'timeout' || error.kind === 'malformed' || error.kind === 'rate-limited') return true
  return error.kind === 'http' && error.status !== undefined && error.status >= 500
}

function pendingSentence(record: AccountRecord, error: MatrixError): string {
  return `${error.message.replace(/\.$/, '')}. ${record.userId} is kept as pending logout: Latchkey signs it out at the next check (or use forget to drop it without signing out).`
}
