/**
 * Adding accounts (password, login token) and signing an account in again. Whatever fails, the
 * account list and the keychain end as they were: a new session that cannot be kept is revoked
 * on the server, its secret deleted, and nothing is written.
 *
 * Every sign-in, whatever its kind (password, login token, SSO, OAuth, re-login), is kept through
 * addSession or replaceSession, and both check before anything is written (issue 9 §2, §4): that
 * the user id's server vouches for the homeserver (server-trust.ts), that a login code's user is
 * the one signed in, and that the session is not one of an account already in the list.
 */
import { addAccount, patchAccount, secretKey, type AccountRecord, type AuthApi, type NewAccount, type SignInMethod } from '../accounts'
import { offersDeviceGrant, signInWithLoginToken, signInWithPassword, tokensOf, type Credentials } from '../auth'
import { revokeSession } from './oauth'
import { discover, type Discovery as MatrixDiscovery, type MatrixClient, type ServerVersions } from '../matrix'
import type { Account, CallArgs, Discovery } from '../../shared/contract'
import { ContractError } from '../../shared/errors'
import { serverNameOf, toAccount } from './accounts-view'
import { commit, freshClient, readSnapshot, recordOf, type ServiceContext } from './context'
import { mapErrors, toContractError } from './errors'
import { parseLoginPayload } from './login-payload'
import { refusePlainHttp, signInOverAcceptedTransport } from './plain-http'
import { NOTHING_SENT, SIGNED_OUT, verifyServer, type ServerTrust } from './server-trust'

/** How a new session came to be, and what the person already said about its server. */
export interface KeepOptions extends SessionOrigin {
  /** The homeserver host the person confirmed after a `trust-required` answer. */
  trustServer?: string | undefined
  /** The user a login code was made for (its `user=`): another user is refused. */
  expectedUserId?: string | undefined
  /** A check made before the credentials were sent (verifyBeforeSignIn), reused when it still applies. */
  checkedBefore?: CheckedBefore | undefined
}

interface CheckedBefore {
  userId: string
  baseUrl: string
  trust: ServerTrust
}

/**
 * The trust check for a sign-in whose user id is known before anything is sent (a full user id,
 * a login code's `user=`, a re-login): a refusal or a question then costs no password and no
 * single-use login token.
 */
async function verifyBeforeSignIn(
  ctx: ServiceContext,
  userId: string,
  baseUrl: string,
  options: { trustServer?: string | undefined; previously?: AccountRecord; nothingSent: string },
): Promise<CheckedBefore> {
  const trust = await verifyServer(
    ctx,
    {
      userId,
      signedInAt: baseUrl,
      usedAt: baseUrl,
      trustServer: options.trustServer,
      previously: options.previously && { serverTrust: trustOf(options.previously), homeserverUrl: options.previously.homeserverUrl },
    },
    options.nothingSent,
  )
  return { userId, baseUrl, trust }
}

const FULL_USER_ID = /^@[^:]+:.+$/

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
  refusePlainHttp(found.baseUrl, args.allowPlainHttp, 'password')
  const checkedBefore =
    args.identifier.kind === 'user' && FULL_USER_ID.test(args.identifier.user)
      ? await verifyBeforeSignIn(ctx, args.identifier.user, found.baseUrl, {
          trustServer: args.trustServer,
          nothingSent: NOTHING_SENT.password,
        })
      : undefined
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
  return addSession(ctx, client, credentials, { signInMethod: 'password', trustServer: args.trustServer, checkedBefore, ...compatibilityOrigin(found) })
}

/**
 * A legacy session on a server whose accounts are managed on its OAuth 2.0 account page (MAS's
 * compatibility layer): the page is recorded, so devices are signed out there (issue 10 §5).
 */
export function compatibilityOrigin(found: MatrixDiscovery): SessionOrigin {
  const url = found.oauth.metadata?.accountManagementUri ?? found.oauth.accountManagementUrl
  if (!found.oauth.offered || url === undefined) return {}
  return { accountManagement: { url, actions: found.oauth.accountManagementActions ?? [] } }
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
  // Both questions come before anything is sent; the transport's first.
  refusePlainHttp(client.baseUrl, args.allowPlainHttp, 'login-token')
  const checkedBefore =
    parsed.userId === undefined
      ? undefined
      : await verifyBeforeSignIn(ctx, parsed.userId, client.baseUrl, {
          trustServer: args.trustServer,
          nothingSent: NOTHING_SENT.loginCode,
        })
  const credentials = await signInOverAcceptedTransport(client, args.allowPlainHttp, 'login-token', () =>
    mapErrors(() => signInWithLoginToken(client, { token: parsed.token, deviceName: ctx.deviceName }), { login: 'login-token' }),
  )
  return addSession(ctx, client, credentials, {
    signInMethod: 'login-token',
    trustServer: args.trustServer,
    expectedUserId: parsed.userId,
    checkedBefore,
  })
}

export async function reLogin(ctx: ServiceContext, args: CallArgs<'reLogin'>): Promise<Account> {
  const record = await recordOf(ctx, args.accountId)
  if (record.authApi === 'oauth') {
    // A password would make a second, legacy session beside the OAuth one (spec: the two APIs
    // must not be mixed); such an account signs in again on its server's own page.
    throw new ContractError({
      code: 'unsupported',
      message: `${record.userId} signs in on ${record.serverName}'s own sign-in page, not with a password here: sign it in again there (in the app, Sign in again; on the command line, latchkey oauth --account).`,
    })
  }
  refusePlainHttp(record.homeserverUrl, args.allowPlainHttp, 'password')
  const checkedBefore = await verifyBeforeSignIn(ctx, record.userId, record.homeserverUrl, {
    trustServer: args.trustServer,
    previously: record,
    nothingSent: NOTHING_SENT.password,
  })
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
  return replaceSession(ctx, record, client, credentials, { signInMethod: 'password', trustServer: args.trustServer, checkedBefore })
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

/**
 * The checks every new session passes before anything is written, in this order: the login
 * code's user, the server's trust, then whether the session is an account already listed
 * (`except`: the account being signed in again). Each failure signs the new session out.
 */
async function admit(
  ctx: ServiceContext,
  client: MatrixClient,
  credentials: Credentials,
  options: KeepOptions,
  previously?: AccountRecord,
): Promise<ServerTrust> {
  try {
    if (options.expectedUserId !== undefined && credentials.userId !== options.expectedUserId) {
      throw new ContractError({
        code: 'mismatch',
        message: `The login code was made for ${options.expectedUserId}, but the server signed in ${credentials.userId}. ${SIGNED_OUT}`,
      })
    }
    const before = options.checkedBefore
    const trust =
      before && before.userId === credentials.userId && before.baseUrl === client.baseUrl && before.baseUrl === credentials.homeserverUrl
        ? before.trust
        : await verifyServer(ctx, {
            userId: credentials.userId,
            signedInAt: client.baseUrl,
            usedAt: credentials.homeserverUrl,
            trustServer: options.trustServer,
            previously: previously && { serverTrust: trustOf(previously), homeserverUrl: previously.homeserverUrl },
          })
    const listed = (await readSnapshot(ctx)).accounts.find(
      (a) => a.userId === credentials.userId && a.deviceId === credentials.deviceId && a.id !== previously?.id,
    )
    if (listed) {
      throw new ContractError({
        code: 'mismatch',
        message: `The server answered with ${listed.userId} on device ${listed.deviceId}, which is already in the list${listed.label ? ` as “${listed.label}”` : ''}. Latchkey signed that new session out and left the listed account as it was.`,
      })
    }
    return trust
  } catch (error) {
    await endUnkeptSession(ctx, client, credentials, options)
    throw toContractError(error)
  }
}

/** The account's recorded trust (absent in files made before accounts.json version 2). */
function trustOf(record: AccountRecord): ServerTrust | undefined {
  return record.serverTrust
}

/**
 * Keeps a brand-new session: checks it (admit), then secret first, then the account list; undone
 * entirely on failure. Every way of adding an account ends here.
 */
export async function addSession(ctx: ServiceContext, client: MatrixClient, credentials: Credentials, options: KeepOptions = {}): Promise<Account> {
  const revoke = (c: MatrixClient) => endUnkeptSession(ctx, c, credentials, options)
  const serverTrust = await admit(ctx, client, credentials, options)
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
      ...originOf(options),
      serverTrust,
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
  options: KeepOptions = {},
): Promise<Account> {
  const revoke = (c: MatrixClient) => endUnkeptSession(ctx, c, credentials, options)
  const sameDevice = credentials.deviceId === record.deviceId
  if (credentials.userId !== record.userId) {
    // Somebody else's session, made just now (device ids are per user): not the device to keep.
    await revoke(client)
    throw new ContractError({
      code: 'wrong-credentials',
      message: `That signed in as ${credentials.userId}, but this account is ${record.userId}; nothing was changed.`,
    })
  }
  const serverTrust = await admit(ctx, client, credentials, options, record)
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
          ...originOf(options),
          serverTrust,
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

/** The fields of a record that say how it signed in (SessionOrigin), and nothing else of the options. */
function originOf(options: KeepOptions): SessionOrigin {
  const origin: SessionOrigin = {}
  if (options.signInMethod !== undefined) origin.signInMethod = options.signInMethod
  if (options.authApi !== undefined) origin.authApi = options.authApi
  if (options.oauth !== undefined) origin.oauth = options.oauth
  if (options.accountManagement !== undefined) origin.accountManagement = options.accountManagement
  return origin
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
