/**
 * OAuth 2.0 accounts in the service: where the issuer's metadata and Latchkey's client id come
 * from, how a session is renewed without ever sending a refresh token twice, and how it ends
 * (revocation at the issuer; /logout answers 404 on such servers).
 */
import pkg from '../../../package.json' with { type: 'json' }
import { secretKey, type AccountRecord, type StoredSecret } from '../accounts'
import { clientIdFor, httpAllowed, refreshTokens, revokeToken, type OAuthClientStore, type OAuthServer } from '../auth'
import { hostOf, isMatrixError, MatrixError, openIdConfiguration, type AuthMetadata, type Credentials } from '../matrix'
import { commit, readSnapshot, type ServiceContext } from './context'

/** package.json's `homepage`, which the README names as the project's page (RFC 7591 client_uri). */
export const CLIENT_URI: string = (pkg as { homepage?: string }).homepage ?? 'https://github.com/latchkey-app/latchkey'

const metadataCache = new WeakMap<ServiceContext, Map<string, Promise<AuthMetadata>>>()

/** The issuer's metadata, from discovery when it has it, else its OpenID discovery document (cached per run). */
export function oauthServer(ctx: ServiceContext, issuer: string, homeserverUrl: string, known?: AuthMetadata): Promise<OAuthServer> {
  let cache = metadataCache.get(ctx)
  if (!cache) metadataCache.set(ctx, (cache = new Map()))
  let metadata = cache.get(issuer)
  if (known) cache.set(issuer, (metadata = Promise.resolve(known)))
  if (!metadata) {
    const fetched = ctx.transport.send(openIdConfiguration, undefined, { baseUrl: issuer, signal: ctx.closing })
    fetched.catch(() => cache.delete(issuer))
    cache.set(issuer, (metadata = fetched))
  }
  return metadata.then((m) => ({ metadata: m, transport: ctx.transport, allowHttp: httpAllowed(m.issuer, homeserverUrl) }))
}

/** accounts.json's `oauthClients`: one client id per issuer, shared by its accounts. */
export function clientStore(ctx: ServiceContext): OAuthClientStore {
  return {
    get: async (issuer) => (await readSnapshot(ctx)).oauthClients[issuer]?.clientId,
    set: async (issuer, clientId) => {
      await commit(ctx, (draft) => {
        draft.oauthClients[issuer] = { clientId, registeredAt: new Date().toISOString() }
      })
    },
  }
}

/** The client id for this issuer, checked with the server (or registered anew), before a sign-in. */
export async function clientIdOf(ctx: ServiceContext, server: OAuthServer): Promise<string> {
  return clientIdFor({ server, clients: clientStore(ctx), clientUri: CLIENT_URI, signal: ctx.closing })
}

/**
 * The refresh token grant for an account's session, spending the refresh token at most once:
 * before it is sent, the keychain entry loses it (so a crash between the server's answer and the
 * keychain write leaves an account that needs signing in again, with its device id, rather than
 * one that replays a spent token); the rotated pair is then written by the client's onCredentials
 * before it is used. The old token is put back only when it provably never reached the server
 * (no connection) or the server answered 5xx (nothing was rotated; the spec says retry later).
 */
export function oauthRenewer(ctx: ServiceContext, record: AccountRecord): (current: Credentials & { refreshToken: string }) => Promise<Credentials> {
  const issuer = record.oauth?.issuer
  const key = secretKey(record.userId, record.deviceId)
  return async (current) => {
    if (!issuer) throw needsSignIn(record, 'it has no sign-in server on record')
    const server = await oauthServer(ctx, issuer, record.homeserverUrl)
    const clientId = (await readSnapshot(ctx)).oauthClients[issuer]?.clientId
    if (!clientId) throw needsSignIn(record, 'Latchkey’s registration with its sign-in server is gone')
    const spent: StoredSecret = { accessToken: current.accessToken, ...(current.expiresAt === undefined ? {} : { expiresAt: current.expiresAt }) }
    try {
      await ctx.secrets.set(key, spent)
    } catch (cause) {
      throw new MatrixError({ kind: 'persist', endpoint: 'oauthToken', host: hostOf(issuer), message: `The session of ${record.userId} could not be renewed: the keychain could not be written.`, cause, secrets: [current.accessToken, current.refreshToken] })
    }
    try {
      const next = await refreshTokens(server, clientId, current.refreshToken, ctx.closing)
      return {
        accessToken: next.accessToken,
        // A server that does not rotate keeps the old one valid.
        refreshToken: next.refreshToken ?? current.refreshToken,
        ...(next.expiresAt === undefined ? {} : { expiresAt: next.expiresAt }),
      }
    } catch (error) {
      if (neverSpent(error)) await ctx.secrets.set(key, { ...spent, refreshToken: current.refreshToken }).catch(() => undefined)
      else if (!isMatrixError(error, 'logged-out')) throw needsSignIn(record, 'the renewal’s answer was lost, and sending the same renewal twice would end the session')
      throw error
    }
  }
}

function neverSpent(error: unknown): boolean {
  if (!isMatrixError(error)) return false
  if ((error as MatrixError & { sentBeforeFailure?: boolean }).sentBeforeFailure === false) return true
  return error.kind === 'http' && error.status !== undefined && error.status >= 500
}

function needsSignIn(record: AccountRecord, why: string): MatrixError {
  return new MatrixError({
    kind: 'logged-out',
    endpoint: 'oauthToken',
    host: hostOf(record.homeserverUrl),
    softLogout: true,
    message: `The session of ${record.userId} on ${record.serverName} needs signing in again: ${why}.`,
  })
}

/**
 * Signs an OAuth session out: both tokens revoked at the issuer (RFC 7009; the refresh token
 * first, which ends the pair on servers that revoke by grant). Throws what the issuer's failure
 * was, for the caller to decide between "pending logout" and a refusal.
 */
export async function revokeSession(ctx: ServiceContext, record: Pick<AccountRecord, 'userId' | 'homeserverUrl' | 'oauth'>, tokens: StoredSecret): Promise<void> {
  const issuer = record.oauth?.issuer
  if (!issuer) return
  const server = await oauthServer(ctx, issuer, record.homeserverUrl)
  const clientId = (await readSnapshot(ctx)).oauthClients[issuer]?.clientId
  if (tokens.refreshToken) await revokeToken(server, clientId, tokens.refreshToken, 'refresh_token', ctx.closing)
  await revokeToken(server, clientId, tokens.accessToken, 'access_token', ctx.closing)
}
