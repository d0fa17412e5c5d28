/**
 * Adding accounts (password, login token) and signing an account in again. Whatever fails, the
 * account list and the keychain end as they were: a new session that cannot be kept is revoked
 * on the server, its secret deleted, and nothing is written.
 */
import { addAccount, patchAccount, secretKey, type AccountRecord, type AuthApi, type NewAccount, type SignInMethod } from '../accounts'
import { offersDeviceGrant, signInWithLoginToken, signInWithPassword, tokensOf, type Credentials } from '../auth'
import { revokeSession } from './oauth'
import { discover, type Discovery as MatrixDiscovery, type MatrixClient, type ServerVersions } from '../matrix'
import type { Account, CallArgs, Discovery } from '../../shared/contract'
import { ContractError } from '../../shared/errors'
import { serverNameOf, toAccount } from './accounts-view'
import { commit, freshClient, recordOf, type ServiceContext } from './context'
import { mapErrors, toContractError } from './errors'
import { parseLoginPayload } from './login-payload'
import { signInOverAcceptedTransport } from './plain-http'

export async function discoverServer(ctx: ServiceContext, server: string): Promise<MatrixDiscovery> {
  return mapErrors(() => discover(server, { transport: ctx.transport, signal: ctx.closing }))
}

export function toDiscovery(d: MatrixDiscovery): Discovery {
  return {
    input: d.input,
    serverName: d.serverName,
    baseUrl: d.baseUrl,
    versions: [...d.versions],
    password: d.password,
    loginToken: d.loginToken,
    sso: d.sso,
    identityProviders: d.identityProviders.map((p) => ({
      id: p.id,
      name: p.name,
      ...(p.icon === undefined ? {} : { icon: p.icon }),
      ...(p.brand === undefined ? {} : { brand: p.brand }),
    })),
    getLoginToken: d.getLoginToken,
    oauthAwarePreferred: d.oauthAwarePreferred,
    oauth: {
      offered: d.oauth.offered,
      ...(d.oauth.accountManagementUrl === undefined ? {} : { accountManagementUrl: d.oauth.accountManagementUrl }),
      ...(d.oauth.metadata ? { deviceCode: offersDeviceGrant(d.oauth.metadata) } : {}),
    },
    warnings: [...d.warnings],
  }
}

export function versionsOf(d: MatrixDiscovery): ServerVersions {
  return { versions: [...d.versions], unstableFeatures: { ...d.unstableFeatures } }
}

export async function addWithPassword(ctx: ServiceContext, args: CallArgs<'addWithPassword'>): Promise<Account> {
  const found = await discoverServer(ctx, args.server)
  if (found.legacyApi && !found.password) {
    throw new ContractError({
      code: 'unsupported',
      message: `${found.serverName} does not offer sign-in with a password${found.sso ? '; use single sign-on instead' : ''}.`,
    })
  }
  const client = freshClient(ctx, found.baseUrl, versionsOf(found))
  const credentials = await signInOverAcceptedTransport(client, args.allowPlainHttp, 'password', () =>
    mapErrors(
      () =>
        signInWithPassword(client, {
          identifier: args.identifier,
          password: args.password,
          deviceName: args.deviceName ?? ctx.deviceName,
        }),
      { login: 'password', server: found.serverName },
    ),
  )
  return addSession(ctx, client, credentials)
}

export async function addWithLoginToken(ctx: ServiceContext, args: CallArgs<'addWithLoginToken'>): Promise<Account> {
  const parsed = parseLoginPayload(args.payload, args.server)
  let client: MatrixClient
  if (/^https?:\/\//i.test(parsed.server)) {
    // A payload names the base URL itself: no discovery, so no well-known file can redirect it.
    client = freshClient(ctx, parsed.server)
  } else {
    const found = await discoverServer(ctx, parsed.server)
    client = freshClient(ctx, found.baseUrl, versionsOf(found))
  }
  const credentials = await signInOverAcceptedTransport(client, args.allowPlainHttp, 'login-token', () =>
    mapErrors(() => signInWithLoginToken(client, { token: parsed.token, deviceName: ctx.deviceName }), { login: 'login-token' }),
  )
  return addSession(ctx, client, credentials)
}

export async function reLogin(ctx: ServiceContext, args: CallArgs<'reLogin'>): Promise<Account> {
  const record = await recordOf(ctx, args.accountId)
  const client = freshClient(ctx, record.homeserverUrl)
  const credentials = await signInOverAcceptedTransport(client, args.allowPlainHttp, 'password', () =>
    mapErrors(
      () =>
        signInWithPassword(client, {
          identifier: { kind: 'user', user: record.userId },
          password: args.password,
          deviceId: record.deviceId,
          deviceName: ctx.deviceName,
        }),
      { login: 'password', server: record.serverName },
    ),
  )
  return replaceSession(ctx, record, client, credentials)
}

/**
 * What an account records about how it signed in, beyond the session itself: the OAuth 2.0 API's
 * issuer (authApi 'oauth') and the account page, for sessions made through it.
 */
export interface SessionOrigin {
  signInMethod?: SignInMethod
  authApi?: AuthApi
  oauth?: { issuer: string }
  accountManagement?: { url: string; actions: string[] }
}

/** Keeps a brand-new session: secret first, then the account list; undone entirely on failure. */
export async function addSession(ctx: ServiceContext, client: MatrixClient, credentials: Credentials, origin: SessionOrigin = {}): Promise<Account> {
  const revoke = (c: MatrixClient) => endUnkeptSession(ctx, c, credentials, origin)
  const profile = await profileOf(client, credentials.userId)
  const key = secretKey(credentials.userId, credentials.deviceId)
  const tokens = tokensOf(credentials)
  try {
    await ctx.secrets.set(key, tokens)
  } catch (error) {
    await revoke(client)
    throw toContractError(error)
  }
  let record: AccountRecord
  try {
    const entry: NewAccount = {
      userId: credentials.userId,
      homeserverUrl: credentials.homeserverUrl,
      serverName: serverNameOf(credentials.userId),
      deviceId: credentials.deviceId,
      authApi: 'legacy',
      lastCheckedAt: new Date().toISOString(),
      ...profile,
      ...origin,
    }
    record = (await commit(ctx, (draft) => addAccount(draft, entry))).result
  } catch (error) {
    await ctx.secrets.delete(key).catch(() => false)
    await revoke(client)
    throw toContractError(error)
  }
  ctx.pool.adopt(record, tokens, await client.versions().catch(() => undefined))
  return toAccount(record)
}

/**
 * A new session for an existing account (re-login after a soft logout, or SSO re-login). The
 * device id is normally the same, so the secret is overwritten in place; on failure the old one
 * is put back. The new session is not revoked then: with the same device id, a logout would
 * delete the very device the person wanted to keep.
 */
export async function replaceSession(
  ctx: ServiceContext,
  record: AccountRecord,
  client: MatrixClient,
  credentials: Credentials,
  origin: SessionOrigin = {},
): Promise<Account> {
  const revoke = (c: MatrixClient) => endUnkeptSession(ctx, c, credentials, origin)
  const sameDevice = credentials.deviceId === record.deviceId
  if (credentials.userId !== record.userId) {
    // Somebody else's session, made just now (device ids are per user): not the device to keep.
    await revoke(client)
    throw new ContractError({
      code: 'wrong-credentials',
      message: `That signed in as ${credentials.userId}, but this account is ${record.userId}; nothing was changed.`,
    })
  }
  const oldKey = secretKey(record.userId, record.deviceId)
  const newKey = secretKey(credentials.userId, credentials.deviceId)
  const tokens = tokensOf(credentials)
  const previous = sameDevice ? await ctx.secrets.get(oldKey).catch(() => null) : null
  const undo = async (): Promise<void> => {
    if (sameDevice && previous) await ctx.secrets.set(oldKey, previous).catch(() => undefined)
    else await ctx.secrets.delete(newKey).catch(() => false)
    if (!sameDevice) await revoke(client)
  }
  try {
    await ctx.secrets.set(newKey, tokens)
  } catch (error) {
    await undo()
    throw toContractError(error)
  }
  const profile = await profileOf(client, credentials.userId)
  let updated: AccountRecord
  try {
    updated = (
      await commit(ctx, (draft) =>
        patchAccount(draft, record.id, {
          deviceId: credentials.deviceId,
          homeserverUrl: credentials.homeserverUrl,
          status: 'active',
          statusMessage: undefined,
          lastCheckedAt: new Date().toISOString(),
          ...profile,
          ...origin,
        }),
      )
    ).result
  } catch (error) {
    await undo()
    throw toContractError(error)
  }
  if (!sameDevice) await ctx.secrets.delete(oldKey).catch(() => false)
  ctx.pool.drop(record.id)
  ctx.pool.adopt(updated, tokens, await client.versions().catch(() => undefined))
  return toAccount(updated)
}

const MXC = /^mxc:\/\/[^/]+\/.+$/

/** Display name and avatar, if the server shares them quickly; a profile is decoration, never a reason to fail. */
async function profileOf(client: MatrixClient, userId: string): Promise<{ displayName?: string; avatarUrl?: string }> {
  try {
    const p = await client.profile(userId, { timeoutMs: Math.min(5000, client.transport.timeoutMs) })
    return {
      ...(p.displayName ? { displayName: p.displayName.slice(0, 255) } : {}),
      ...(p.avatarUrl && MXC.test(p.avatarUrl) ? { avatarUrl: p.avatarUrl } : {}),
    }
  } catch {
    return {}
  }
}

/** A session we will not keep: an OAuth one is revoked at its issuer, a legacy one logged out. */
async function endUnkeptSession(ctx: ServiceContext, client: MatrixClient, credentials: Credentials, origin: SessionOrigin): Promise<void> {
  if (!origin.oauth) return revoke(client)
  try {
    await revokeSession(ctx, { userId: credentials.userId, homeserverUrl: credentials.homeserverUrl, oauth: origin.oauth }, tokensOf(credentials))
  } catch {
    // Unreachable or already gone: nothing more to do.
  }
}

/** Ends a session we will not keep. Best effort: the person is told about the real failure instead. */
export async function revoke(client: MatrixClient): Promise<void> {
  try {
    await client.logout({ timeoutMs: Math.min(5000, client.transport.timeoutMs) })
  } catch {
    // Unreachable or already gone: nothing more to do.
  }
}
