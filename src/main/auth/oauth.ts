/**
 * The OAuth 2.0 API's mechanics (spec: "OAuth 2.0 API"), on oauth4webapi: a small, standards-only
 * client library without dependencies, whose every request goes through Latchkey's own transport
 * (customFetch), so the timeouts, the answer size cap and secret scrubbing apply as to any Matrix
 * call. This file is the only one that speaks OAuth; the flows (browser, device code, refresh)
 * build on it. Every failure becomes a MatrixError whose message names the server and holds no
 * token: oauth4webapi's own errors carry response bodies (which may hold tokens), so none of them
 * is ever kept as a cause.
 */
import { randomInt } from 'node:crypto'
import * as oauth from 'oauth4webapi'
import { hostOf, MatrixError, type AuthMetadata, type MatrixErrorKind, type Transport } from '../matrix'

export const STABLE_API_SCOPE = 'urn:matrix:client:api:*'
export const UNSTABLE_API_SCOPE = 'urn:matrix:org.matrix.msc2967.client:api:*'
const STABLE_DEVICE_PREFIX = 'urn:matrix:client:device:'
const UNSTABLE_DEVICE_PREFIX = 'urn:matrix:org.matrix.msc2967.client:device:'
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

/** An OAuth server as Latchkey talks to it: its metadata, and the transport rules for reaching it. */
export interface OAuthServer {
  metadata: AuthMetadata
  transport: Transport
  /**
   * Plain-http endpoints are allowed only where the homeserver itself is plain http or the issuer
   * is on this machine (tests, a local server); oauth4webapi refuses them otherwise.
   */
  allowHttp: boolean
}

export interface OAuthTokens {
  accessToken: string
  refreshToken?: string
  /** Milliseconds since the epoch. */
  expiresAt?: number
  /** The scope the server granted, when it said. */
  scope?: string
}

/** What Latchkey registers (RFC 7591; spec: "Client metadata"). */
export interface ClientIdentity {
  clientUri: string
  redirectUri: string
}

const DEVICE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** A new device id: 12 characters of RFC 3986's unreserved set (MAS wants at least 10). */
export function newDeviceId(): string {
  let id = ''
  for (let i = 0; i < 12; i++) id += DEVICE_ALPHABET[randomInt(DEVICE_ALPHABET.length)]
  return id
}

/**
 * The scope to ask for (spec: "Scope"): the Client-Server API and the device, in the forms the
 * server lists in `scopes_supported`; both forms where it lists neither (servers that predate
 * v1.15 accept only the unstable MSC2967 prefix, and a token with only the stable one gets 401).
 */
export function matrixScope(metadata: Pick<AuthMetadata, 'scopesSupported'>, deviceId: string): string {
  const listed = metadata.scopesSupported ?? []
  let stable = listed.includes(STABLE_API_SCOPE)
  let unstable = listed.includes(UNSTABLE_API_SCOPE)
  if (!stable && !unstable) stable = unstable = true
  const tokens: string[] = []
  if (stable) tokens.push(STABLE_API_SCOPE, `${STABLE_DEVICE_PREFIX}${deviceId}`)
  if (unstable) tokens.push(UNSTABLE_API_SCOPE, `${UNSTABLE_DEVICE_PREFIX}${deviceId}`)
  return tokens.join(' ')
}

export function offersDeviceGrant(metadata: AuthMetadata): boolean {
  return metadata.deviceAuthorizationEndpoint !== undefined && metadata.grantTypesSupported.includes(DEVICE_CODE_GRANT)
}

/** Whether plain http may be used with this issuer (see OAuthServer.allowHttp). */
export function httpAllowed(issuer: string, homeserverUrl: string): boolean {
  if (!URL.canParse(issuer)) return false
  const { protocol, hostname } = new URL(issuer)
  if (protocol !== 'http:') return false
  return /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/.test(hostname) || (URL.canParse(homeserverUrl) && new URL(homeserverUrl).protocol === 'http:')
}

function as(server: OAuthServer): oauth.AuthorizationServer {
  return server.metadata.raw as unknown as oauth.AuthorizationServer
}

function client(clientId: string): oauth.Client {
  return { client_id: clientId, token_endpoint_auth_method: 'none' }
}

interface CallShape {
  endpoint: string
  label: string
  secrets: readonly (string | undefined)[]
  signal?: AbortSignal
}

interface FetchOptions {
  [oauth.customFetch]: (url: string, init: oauth.CustomFetchOptions<string, unknown>) => Promise<Response>
  [oauth.allowInsecureRequests]?: boolean
}

function options(server: OAuthServer, call: CallShape): FetchOptions {
  const fetcher = server.transport.fetcher({ endpoint: call.endpoint, label: call.label, secrets: call.secrets, ...(call.signal ? { signal: call.signal } : {}) })
  return {
    [oauth.customFetch]: (url: string, init: oauth.CustomFetchOptions<string, unknown>) =>
      fetcher(url, { method: init.method, headers: init.headers, body: init.body as string | URLSearchParams | undefined }),
    ...(server.allowHttp ? { [oauth.allowInsecureRequests]: true } : {}),
  }
}

/** The OAuth `error` codes that mean a token or code is spent or refused for good. */
const GRANT_REFUSED = new Set(['invalid_grant', 'access_denied', 'expired_token', 'unauthorized_client'])

/**
 * Any failure of an OAuth call as a MatrixError: `errcode` is the OAuth `error` (invalid_grant,
 * invalid_client, slow_down, …), `status` the HTTP status. A refused grant is 'logged-out' with
 * softLogout (the device id can be signed in again); a 5xx is 'http' with its status, which the
 * service treats as "the server could not be asked".
 */
export function oauthFailure(error: unknown, server: OAuthServer, call: CallShape): MatrixError {
  const host = hostOf(server.metadata.issuer)
  const base = { endpoint: call.endpoint, host, secrets: call.secrets }
  if (error instanceof MatrixError) return error
  if (error instanceof oauth.ResponseBodyError || error instanceof oauth.AuthorizationResponseError) {
    const code = error.error
    const status = error instanceof oauth.ResponseBodyError ? error.status : undefined
    const kind: MatrixErrorKind = status !== undefined && status >= 500 ? 'http' : GRANT_REFUSED.has(code) ? 'logged-out' : 'http'
    const said = error.error_description ? ` (${error.error_description})` : ''
    return new MatrixError({
      ...base,
      kind,
      errcode: code,
      ...(status === undefined ? {} : { status }),
      ...(error.error_description === undefined ? {} : { error: error.error_description }),
      ...(kind === 'logged-out' ? { softLogout: true } : {}),
      message: `${host} refused ${call.label}: ${code}${said}.`,
    })
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    return new MatrixError({ ...base, kind: 'http', status: error.status, message: `${host} refused ${call.label} (HTTP ${error.status}).` })
  }
  if (error instanceof oauth.OperationProcessingError) {
    const cause = (error as { cause?: unknown }).cause
    if (error.code === oauth.RESPONSE_IS_NOT_CONFORM && cause instanceof Response) {
      // An unexpected status without an OAuth error body (a 5xx page, a proxy's 404).
      return new MatrixError({ ...base, kind: 'http', status: cause.status, message: `${host} answered ${call.label} with HTTP ${cause.status}.` })
    }
    if (error.code === oauth.HTTP_REQUEST_FORBIDDEN) {
      return new MatrixError({ ...base, kind: 'invalid-input', message: `${host} asks Latchkey to sign in over plain http://, which would send the sign-in unencrypted; Latchkey does not.` })
    }
    return new MatrixError({ ...base, kind: 'malformed', message: `${host} answered ${call.label} with something Latchkey does not understand (${error.message.replace(/\.$/, '')}).` })
  }
  if (error instanceof TypeError) {
    return new MatrixError({ ...base, kind: 'malformed', message: `${host} answered ${call.label} with something Latchkey does not understand.` })
  }
  return new MatrixError({ ...base, kind: 'malformed', message: `${call.label} with ${host} failed unexpectedly.` })
}

async function guarded<T>(server: OAuthServer, call: CallShape, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw oauthFailure(error, server, call)
  }
}

function tokensFrom(response: oauth.TokenEndpointResponse, now: number): OAuthTokens {
  const tokens: OAuthTokens = { accessToken: response.access_token }
  if (response.refresh_token !== undefined) tokens.refreshToken = response.refresh_token
  if (typeof response.expires_in === 'number') tokens.expiresAt = now + response.expires_in * 1000
  if (typeof response.scope === 'string') tokens.scope = response.scope
  return tokens
}

/** RFC 7591 dynamic registration; answers the new client id. */
export async function registerClient(server: OAuthServer, identity: ClientIdentity, signal?: AbortSignal): Promise<string> {
  const call = { endpoint: 'oauthRegister', label: 'the app registration', secrets: [], ...(signal ? { signal } : {}) }
  const grantTypes = ['authorization_code', 'refresh_token', ...(offersDeviceGrant(server.metadata) ? [DEVICE_CODE_GRANT] : [])]
  return guarded(server, call, async () => {
    const response = await oauth.dynamicClientRegistrationRequest(
      as(server),
      {
        client_name: 'Latchkey',
        client_uri: identity.clientUri,
        application_type: 'native',
        redirect_uris: [identity.redirectUri],
        grant_types: grantTypes,
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
      options(server, call),
    )
    const registered = await oauth.processDynamicClientRegistrationResponse(response)
    return registered.client_id
  })
}

export interface AuthorizationRequest {
  clientId: string
  redirectUri: string
  scope: string
  state: string
  codeChallenge: string
  /** `create` when the person asks for a new account (spec: "User registration"). */
  prompt?: 'create'
  /** The user id, when signing an account in again. */
  loginHint?: string
}

/** The authorisation URL to open in the browser (spec: "Authorisation code flow"). */
export function authorizationUrl(server: OAuthServer, request: AuthorizationRequest): string {
  const url = new URL(server.metadata.authorizationEndpoint)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('client_id', request.clientId)
  url.searchParams.set('redirect_uri', request.redirectUri)
  url.searchParams.set('scope', request.scope)
  url.searchParams.set('state', request.state)
  // The loopback redirect is http on this machine: the query is never sent over a network.
  url.searchParams.set('response_mode', 'query')
  url.searchParams.set('code_challenge', request.codeChallenge)
  url.searchParams.set('code_challenge_method', 'S256')
  if (request.prompt === 'create' && (server.metadata.promptValuesSupported ?? []).includes('create')) url.searchParams.set('prompt', 'create')
  if (request.loginHint !== undefined) url.searchParams.set('login_hint', request.loginHint)
  return url.href
}

/** Spends an authorisation code (once, whatever happens) with its PKCE verifier. */
export async function exchangeCode(
  server: OAuthServer,
  clientId: string,
  callback: URLSearchParams,
  expectedState: string,
  redirectUri: string,
  verifier: string,
  signal?: AbortSignal,
): Promise<OAuthTokens> {
  const code = callback.get('code') ?? undefined
  const call = { endpoint: 'oauthToken', label: 'the sign-in code', secrets: [code, verifier], ...(signal ? { signal } : {}) }
  return guarded(server, call, async () => {
    const params = oauth.validateAuthResponse(as(server), client(clientId), callback, expectedState)
    const response = await oauth.authorizationCodeGrantRequest(as(server), client(clientId), oauth.None(), params, redirectUri, verifier, options(server, call))
    return tokensFrom(await oauth.processAuthorizationCodeResponse(as(server), client(clientId), response), server.transport.now())
  })
}

/** The refresh token grant. The refresh token is spent by this call, whatever its outcome. */
export async function refreshTokens(server: OAuthServer, clientId: string, refreshToken: string, signal?: AbortSignal): Promise<OAuthTokens> {
  const call = { endpoint: 'oauthToken', label: 'the session renewal', secrets: [refreshToken], ...(signal ? { signal } : {}) }
  return guarded(server, call, async () => {
    const response = await oauth.refreshTokenGrantRequest(as(server), client(clientId), oauth.None(), refreshToken, options(server, call))
    return tokensFrom(await oauth.processRefreshTokenResponse(as(server), client(clientId), response), server.transport.now())
  })
}

/** RFC 7009 revocation; the server revokes the token's partner too (spec: "Token revocation"). */
export async function revokeToken(server: OAuthServer, clientId: string | undefined, token: string, hint: 'access_token' | 'refresh_token', signal?: AbortSignal): Promise<void> {
  const call = { endpoint: 'oauthRevoke', label: 'the sign-out', secrets: [token], ...(signal ? { signal } : {}) }
  return guarded(server, call, async () => {
    const response = await oauth.revocationRequest(as(server), client(clientId ?? ''), oauth.None(), token, {
      ...options(server, call),
      additionalParameters: { token_type_hint: hint },
    })
    await oauth.processRevocationResponse(response)
  })
}

export interface DeviceAuthorization {
  deviceCode: string
  userCode: string
  verificationUri: string
  verificationUriComplete?: string
  /** Milliseconds since the epoch. */
  expiresAt: number
  /** Seconds between polls (RFC 8628: 5 when the server does not say). */
  intervalSeconds: number
}

/** RFC 8628 §3.1: asks for a user code for this scope. */
export async function startDeviceAuthorization(server: OAuthServer, clientId: string, scope: string, signal?: AbortSignal): Promise<DeviceAuthorization> {
  const call = { endpoint: 'oauthDevice', label: 'the device code request', secrets: [], ...(signal ? { signal } : {}) }
  return guarded(server, call, async () => {
    const response = await oauth.deviceAuthorizationRequest(as(server), client(clientId), oauth.None(), { scope }, options(server, call))
    const r = await oauth.processDeviceAuthorizationResponse(as(server), client(clientId), response)
    const out: DeviceAuthorization = {
      deviceCode: r.device_code,
      userCode: r.user_code,
      verificationUri: r.verification_uri,
      expiresAt: server.transport.now() + r.expires_in * 1000,
      intervalSeconds: typeof r.interval === 'number' && r.interval > 0 ? r.interval : 5,
    }
    if (r.verification_uri_complete !== undefined) out.verificationUriComplete = r.verification_uri_complete
    return out
  })
}

/**
 * One poll of the token endpoint with the device code: the tokens, or 'pending' / 'slow-down'.
 * Refusals (denied, expired) throw. A device code is spent only by the answer that carries tokens.
 */
export async function pollDeviceCode(server: OAuthServer, clientId: string, deviceCode: string, signal?: AbortSignal): Promise<OAuthTokens | 'pending' | 'slow-down'> {
  const call = { endpoint: 'oauthToken', label: 'the device sign-in', secrets: [deviceCode], ...(signal ? { signal } : {}) }
  try {
    const response = await oauth.deviceCodeGrantRequest(as(server), client(clientId), oauth.None(), deviceCode, options(server, call))
    return tokensFrom(await oauth.processDeviceCodeResponse(as(server), client(clientId), response), server.transport.now())
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError && error.error === 'authorization_pending') return 'pending'
    if (error instanceof oauth.ResponseBodyError && error.error === 'slow_down') return 'slow-down'
    throw oauthFailure(error, server, call)
  }
}

/** PKCE S256 and state, from oauth4webapi's generators. */
export async function pkce(): Promise<{ verifier: string; challenge: string; state: string }> {
  const verifier = oauth.generateRandomCodeVerifier()
  return { verifier, challenge: await oauth.calculatePKCECodeChallenge(verifier), state: oauth.generateRandomState() }
}
