/**
 * Signing in with the OAuth 2.0 API (spec: "Login flows"): the authorisation code grant through
 * the system browser and the loopback listener's /oauth/callback (PKCE S256 and `state`), and the
 * device authorisation grant for a machine without a browser. Both end like every other way of
 * signing in: the client adopts the session and the result is Credentials. Who signed in comes
 * from /whoami; the device is the one Latchkey allocated in the scope.
 */
import { isMatrixError, MatrixError, type MatrixClient } from '../matrix'
import { OAUTH_REDIRECT_URI_TO_REGISTER, SsoError, startRedirectListener } from '../sso'
import { tokensOf, type Credentials } from './credentials'
import {
  authorizationUrl,
  exchangeCode,
  matrixScope,
  newDeviceId,
  offersDeviceGrant,
  oauthFailure,
  pkce,
  pollDeviceCode,
  registerClient,
  startDeviceAuthorization,
  type OAuthServer,
  type OAuthTokens,
} from './oauth'
import * as oauth from 'oauth4webapi'

/** Where Latchkey keeps its client id per issuer (accounts.json's `oauthClients`). */
export interface OAuthClientStore {
  get(issuer: string): Promise<string | undefined>
  set(issuer: string, clientId: string): Promise<void>
}

export interface OAuthClientOptions {
  server: OAuthServer
  clients: OAuthClientStore
  /** package.json's `homepage`. */
  clientUri: string
  signal?: AbortSignal
}

/**
 * The client id for this issuer: the one kept, unless the server no longer knows it (it may prune
 * registrations), else a new registration, kept for next time. One id per issuer, shared by its
 * accounts, so registrations do not pile up on the server.
 */
export async function clientIdFor(options: OAuthClientOptions): Promise<string> {
  const { server, clients } = options
  const issuer = server.metadata.issuer
  const kept = await clients.get(issuer)
  if (kept !== undefined && (await clientKnown(server, kept, options.signal))) return kept
  const clientId = await registerClient(server, { clientUri: options.clientUri, redirectUri: OAUTH_REDIRECT_URI_TO_REGISTER }, options.signal)
  await clients.set(issuer, clientId)
  return clientId
}

/**
 * Whether the server still knows a client id, asked without spending anything: a code exchange
 * with a made-up code answers `invalid_client` for an unknown client and `invalid_grant` for a
 * known one. (An unknown client at the authorisation endpoint would strand the person on the
 * server's error page, never coming back.)
 */
async function clientKnown(server: OAuthServer, clientId: string, signal?: AbortSignal): Promise<boolean> {
  const call = { endpoint: 'oauthToken', label: 'the app registration check', secrets: [], ...(signal ? { signal } : {}) }
  try {
    const fetcher = server.transport.fetcher({ endpoint: call.endpoint, label: call.label, secrets: [], ...(signal ? { signal } : {}) })
    const response = await oauth.genericTokenEndpointRequest(
      server.metadata.raw as unknown as oauth.AuthorizationServer,
      { client_id: clientId, token_endpoint_auth_method: 'none' },
      oauth.None(),
      'authorization_code',
      { code: oauth.generateRandomState(), redirect_uri: OAUTH_REDIRECT_URI_TO_REGISTER, code_verifier: oauth.generateRandomCodeVerifier() },
      {
        [oauth.customFetch]: (url: string, init: oauth.CustomFetchOptions<string, unknown>) =>
          fetcher(url, { method: init.method, headers: init.headers, body: init.body as URLSearchParams }),
        ...(server.allowHttp ? { [oauth.allowInsecureRequests]: true } : {}),
      },
    )
    await oauth.processGenericTokenEndpointResponse(server.metadata.raw as unknown as oauth.AuthorizationServer, { client_id: clientId }, response)
    return true
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) return error.error !== 'invalid_client'
    if (error instanceof oauth.WWWAuthenticateChallengeError) return error.status !== 401
    throw oauthFailure(error, server, call)
  }
}

/** Adopts the tokens and asks the server whose they are. */
async function credentialsOf(client: MatrixClient, tokens: OAuthTokens, deviceId: string, signal?: AbortSignal): Promise<Credentials> {
  // The access token alone, for good: this client knows no OAuth renewal, and an expiring token
  // must never send the refresh token to the legacy /refresh. The account's own client (the
  // session pool's) renews it.
  client.setCredentials({ accessToken: tokens.accessToken })
  const me = await client.whoami(signal ? { signal } : {})
  if (me.deviceId !== undefined && me.deviceId !== deviceId) {
    throw new MatrixError({
      kind: 'malformed',
      endpoint: 'whoami',
      host: client.host,
      message: `${client.host} signed Latchkey in as another device (${me.deviceId}) than the one it asked for (${deviceId}).`,
    })
  }
  return { userId: me.userId, deviceId, homeserverUrl: client.baseUrl, ...tokensOf(tokens) }
}

export interface OAuthSignInRequest {
  server: OAuthServer
  clientId: string
  /** Sign in again as this device (re-login keeps it); a new one is allocated when absent. */
  deviceId?: string
  /** The person asks for a new account (prompt=create). */
  create?: boolean
  /** The user id, when signing an account in again. */
  loginHint?: string
  openExternal: (url: string) => Promise<void>
  timeoutMs?: number
  signal?: AbortSignal
  /** Keeps the session before the browser is told how the sign-in ended (as SSO's keep). */
  keep?: (credentials: Credentials) => Promise<void>
  /** The sentence the browser's page shows for a failure; default the error's own. */
  describeFailure?: (error: unknown) => string
}

export interface PendingOAuthSignIn {
  /** The authorisation URL opened in the browser. */
  readonly url: string
  /** The device id the sign-in allocates. */
  readonly deviceId: string
  /** Rejects with SsoError (`cancelled`, `timeout`, `idp-error`), MatrixError, or what `keep` threw. */
  readonly done: Promise<Credentials>
  cancel(): void
  readonly closed: Promise<void>
}

/**
 * Opens the browser at the authorisation endpoint and answers once it is open; `done` settles
 * when the browser came back, the code was exchanged (once) and the session kept.
 */
export async function beginOAuthSignIn(client: MatrixClient, request: OAuthSignInRequest): Promise<PendingOAuthSignIn> {
  const { server, signal } = request
  const deviceId = request.deviceId ?? newDeviceId()
  const { verifier, challenge, state } = await pkce()
  const listener = await startRedirectListener({
    kind: 'oauth',
    expectedState: state,
    ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }),
    ...(signal ? { signal } : {}),
  })
  const url = authorizationUrl(server, {
    clientId: request.clientId,
    redirectUri: listener.url,
    scope: matrixScope(server.metadata, deviceId),
    state,
    codeChallenge: challenge,
    ...(request.create ? { prompt: 'create' as const } : {}),
    ...(request.loginHint === undefined ? {} : { loginHint: request.loginHint }),
  })
  try {
    await request.openExternal(url)
  } catch (error) {
    listener.cancel()
    throw error
  }
  const describe = request.describeFailure ?? ((e: unknown) => (e instanceof MatrixError || e instanceof SsoError ? e.message : 'The sign-in did not finish.'))
  const done = (async () => {
    const redirect = await listener.result
    try {
      const callback = new URLSearchParams({ code: redirect.code, state: redirect.state, ...(redirect.iss === undefined ? {} : { iss: redirect.iss }) })
      const tokens = await exchangeCode(server, request.clientId, callback, state, listener.url, verifier, signal)
      const credentials = await credentialsOf(client, tokens, deviceId, signal)
      if (request.keep) await request.keep(credentials)
      listener.respond({ ok: true, userId: credentials.userId })
      return credentials
    } catch (error) {
      listener.respond({ ok: false, message: describe(error) })
      throw error
    }
  })()
  done.catch(() => {})
  return { url, deviceId, done, cancel: () => listener.cancel(), closed: listener.closed }
}

/** What the person is shown to confirm a device sign-in elsewhere (RFC 8628 §3.3). */
export interface DeviceCodePrompt {
  userCode: string
  verificationUri: string
  verificationUriComplete?: string
  /** Milliseconds since the epoch. */
  expiresAt: number
}

export interface DeviceSignInRequest {
  server: OAuthServer
  clientId: string
  deviceId?: string
  /** Shows the code and the address (the CLI prints them, with a QR code). */
  show: (prompt: DeviceCodePrompt) => void
  signal?: AbortSignal
  /** Injected for tests; waits between polls. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/**
 * The device authorisation grant (RFC 8628): asks for a user code, shows it, and polls the token
 * endpoint at the server's interval (5 s more after each `slow_down`) until the person confirms,
 * refuses, the code expires, or `signal` is aborted. The device code is sent only in polls; the
 * answer with tokens is the only one that spends it.
 */
export async function signInWithDeviceCode(client: MatrixClient, request: DeviceSignInRequest): Promise<Credentials> {
  const { server, signal } = request
  if (!offersDeviceGrant(server.metadata)) {
    throw new MatrixError({
      kind: 'unsupported',
      endpoint: 'oauthDevice',
      host: client.host,
      message: `${client.host} does not offer signing in with a code shown here; sign in with the browser instead.`,
    })
  }
  const sleep = request.sleep ?? client.transport.sleep
  const now = () => client.transport.now()
  const deviceId = request.deviceId ?? newDeviceId()
  const auth = await startDeviceAuthorization(server, request.clientId, matrixScope(server.metadata, deviceId), signal)
  request.show({
    userCode: auth.userCode,
    verificationUri: auth.verificationUri,
    ...(auth.verificationUriComplete === undefined ? {} : { verificationUriComplete: auth.verificationUriComplete }),
    expiresAt: auth.expiresAt,
  })
  let intervalMs = auth.intervalSeconds * 1000
  for (;;) {
    if (now() + intervalMs > auth.expiresAt) {
      throw new MatrixError({
        kind: 'timeout',
        endpoint: 'oauthToken',
        host: client.host,
        message: `The code ${auth.userCode} expired before the sign-in was confirmed; start again for a new one.`,
      })
    }
    try {
      await sleep(intervalMs, signal)
    } catch {
      throw new MatrixError({ kind: 'cancelled', endpoint: 'oauthToken', host: client.host, message: 'The sign-in was cancelled.' })
    }
    let outcome: OAuthTokens | 'pending' | 'slow-down'
    try {
      outcome = await pollDeviceCode(server, request.clientId, auth.deviceCode, signal)
    } catch (error) {
      if (isMatrixError(error, 'logged-out') && error.errcode === 'expired_token') {
        throw error.with({ kind: 'timeout', message: `The code ${auth.userCode} expired before the sign-in was confirmed; start again for a new one.` })
      }
      if (isMatrixError(error, 'logged-out') && error.errcode === 'access_denied') {
        throw error.with({ kind: 'http', message: `The sign-in with the code ${auth.userCode} was refused at ${client.host}.` })
      }
      throw error
    }
    if (outcome === 'pending') continue
    if (outcome === 'slow-down') {
      intervalMs += 5000
      continue
    }
    return credentialsOf(client, outcome, deviceId, signal)
  }
}
