// Server discovery: from what a person typed to one object the add-account dialog can show —
// base URL (through /.well-known/matrix/client, by the spec's IGNORE / FAIL_PROMPT / FAIL_ERROR
// rules), versions, sign-in methods, login-token support and whether the OAuth 2.0 API is offered.

import { plainHttpHost } from './loopback'
import { accountManagementUrl } from './account-management'
import {
  authIssuer as authIssuerEndpoint,
  authMetadata as authMetadataEndpoint,
  authMetadataUnstable as authMetadataUnstableEndpoint,
  openIdConfiguration as openIdConfigurationEndpoint,
  capabilities as capabilitiesEndpoint,
  loginFlows as loginFlowsEndpoint,
  versions as versionsEndpoint,
  wellKnown as wellKnownEndpoint,
  type AuthMetadata,
  type Capabilities,
  type IdentityProvider,
  type LoginFlow,
  type WellKnown,
} from './endpoints/index'
import { MatrixError } from './errors'
import { parseServerInput, parseServerName } from './server-input'
import { capitalise } from './sentences'
import { isR0Only, type ServerVersions } from './spec-versions'
import { hostOf, Transport, trimBaseUrl, type TransportOptions } from './transport'

export type WellKnownStatus =
  /** Found and used. */
  | 'found'
  /** 404: the input is the base URL (spec: IGNORE). */
  | 'absent'
  /** The host did not answer at all; the input is tried as the base URL (with a warning). */
  | 'unreachable'

export interface Discovery {
  /** What the person typed, trimmed. */
  input: string
  /** host[:port] the person named (for URL input: the URL's host). */
  serverName: string
  /** Where the Client-Server API lives, without a trailing slash. */
  baseUrl: string
  wellKnown: { status: WellKnownStatus; url: string; identityServerBaseUrl?: string }
  versions: string[]
  unstableFeatures: Record<string, boolean>
  /** The server speaks only r0 releases: old paths are used with it. */
  r0Only: boolean
  /** GET /login answered (false on OAuth-only servers, which answer 404 M_UNRECOGNIZED). */
  legacyApi: boolean
  /** Login types offered, except m.login.application_service (not for people). */
  loginTypes: string[]
  password: boolean
  loginToken: boolean
  sso: boolean
  identityProviders: IdentityProvider[]
  /** The server lets a signed-in session make login tokens for other devices. */
  getLoginToken: boolean
  /** The m.login.sso flow says `oauth_aware_preferred`: offer only that one. */
  oauthAwarePreferred: boolean
  /** From GET /capabilities; null when not asked (it needs an access token). */
  capabilities: { getLoginToken: boolean } | null
  oauth: {
    offered: boolean
    /** Where the server said so, newest way first (see discoverOAuth). */
    source?: OAuthSource
    accountManagementUrl?: string
    accountManagementActions?: string[]
    /** The full metadata, for the OAuth 2.0 sign-in. */
    metadata?: AuthMetadata
  }
  /** Sentences worth showing. */
  warnings: string[]
}

/**
 * How a server says it uses OAuth 2.0, in the order Latchkey prefers them: spec v1.15's
 * auth_metadata; MSC2965's unstable auth_metadata; MSC2965's auth_issuer, then OpenID discovery
 * at the issuer; and, on the oldest deployments (Synapse 1.97 with MSC3861), only the
 * `org.matrix.msc2965.authentication` key of the well-known file.
 */
export type OAuthSource = 'auth_metadata' | 'unstable_auth_metadata' | 'auth_issuer' | 'well_known'

export interface DiscoverOptions {
  transport?: Transport | TransportOptions
  /** Asks GET /capabilities too (it needs a token); otherwise `capabilities` is null. */
  accessToken?: string
  signal?: AbortSignal
}


function discoveryError(serverName: string, failure: 'FAIL_PROMPT' | 'FAIL_ERROR', message: string, cause?: unknown, status?: number): MatrixError {
  return new MatrixError({ kind: 'discovery', endpoint: 'discovery', host: serverName, discovery: failure, message, cause, ...(status === undefined ? {} : { status }) })
}

/** Lower-cases the first letter, to embed a sentence after a colon. */
function embed(sentence: string): string {
  return sentence.charAt(0).toLowerCase() + sentence.slice(1)
}

export async function discover(input: string, options: DiscoverOptions = {}): Promise<Discovery> {
  const target = parseServerInput(input)
  const transport = options.transport instanceof Transport ? options.transport : new Transport(options.transport)
  const signal = options.signal ? { signal: options.signal } : {}
  const warnings: string[] = []
  const { serverName } = target

  // 1. The well-known file.
  const wellKnownUrl = `${target.wellKnownOrigin}/.well-known/matrix/client`
  let baseUrl = target.fallbackBaseUrl
  let status: WellKnownStatus
  let found: WellKnown | undefined
  try {
    found = await transport.send(wellKnownEndpoint, undefined, { baseUrl: target.wellKnownOrigin, ...signal })
    status = 'found'
  } catch (e) {
    if (!(e instanceof MatrixError) || e.kind === 'cancelled') throw e
    if (e.status === 404) status = 'absent'
    else if (e.kind === 'network' || e.kind === 'timeout') {
      // The spec has no rule for a host that does not answer; many servers publish no website at
      // the bare domain, so we carry on with the input itself rather than stop.
      status = 'unreachable'
      warnings.push(`${hostOf(target.wellKnownOrigin)} did not answer for its discovery file (${embed(e.message).replace(/\.$/, '')}); trying ${hostOf(baseUrl)} directly.`)
    } else {
      throw discoveryError(serverName, 'FAIL_PROMPT', `${serverName} publishes a discovery file (/.well-known/matrix/client) that cannot be used: ${embed(e.message)} Enter the homeserver’s URL instead.`, e, e.status)
    }
  }
  if (found) {
    const url = found.homeserverBaseUrl.trim()
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw discoveryError(serverName, 'FAIL_ERROR', `${serverName} names “${url}” as its homeserver, which is not a valid http(s) URL.`)
    }
    baseUrl = trimBaseUrl(url)
  }

  // 2. Versions: the check that the base URL is a homeserver at all.
  let versions: ServerVersions
  try {
    versions = await transport.send(versionsEndpoint, undefined, { baseUrl, ...signal })
  } catch (e) {
    if (!(e instanceof MatrixError) || e.kind === 'cancelled') throw e
    if (found) {
      throw discoveryError(serverName, 'FAIL_ERROR', `${serverName} names ${baseUrl} as its homeserver, but that does not answer as one: ${embed(e.message)}`, e, e.status)
    }
    if (e.kind === 'network' || e.kind === 'timeout') throw e
    throw discoveryError(serverName, 'FAIL_ERROR', `${hostOf(baseUrl)} does not answer as a Matrix homeserver: ${embed(e.message)}`, e, e.status)
  }

  // 3. What the server offers; each failure is a warning, not the end.
  const ctx = { baseUrl, versions, ...signal }
  const host = hostOf(baseUrl)
  const settle = async <T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: MatrixError }> => {
    try {
      return { ok: true, value: await p }
    } catch (e) {
      if (!(e instanceof MatrixError) || e.kind === 'cancelled') throw e
      return { ok: false, error: e }
    }
  }
  // All asked at once: an ordinary server costs no more round trips than the slowest of them.
  // auth_metadata is asked at its stable path whatever /versions says (it predates nothing).
  const [flowsResult, metadataResult, unstableMetadataResult, issuerResult, capabilitiesResult] = await Promise.all([
    settle(transport.send(loginFlowsEndpoint, undefined, ctx)),
    settle(transport.send(authMetadataEndpoint, undefined, { ...ctx, versions: null })),
    settle(transport.send(authMetadataUnstableEndpoint, undefined, ctx)),
    settle(transport.send(authIssuerEndpoint, undefined, ctx)),
    options.accessToken ? settle(transport.send(capabilitiesEndpoint, undefined, { ...ctx, accessToken: options.accessToken })) : Promise.resolve(null),
  ])

  let flows: LoginFlow[] = []
  let legacyApi = false
  // Whether we know what the legacy API offers (read, or known absent), as opposed to not knowing.
  let flowsKnown = true
  if (flowsResult.ok) {
    flows = flowsResult.value
    legacyApi = true
  } else if (flowsResult.error.kind === 'unsupported') {
    // OAuth-only servers (spec: Authentication API discovery).
  } else {
    flowsKnown = false
    warnings.push(`The sign-in methods could not be read: ${embed(flowsResult.error.message)}`)
  }

  const oauth: Discovery['oauth'] = { offered: false }
  const chosen = await chooseOAuth(
    transport,
    { stable: metadataResult, unstable: unstableMetadataResult, issuer: issuerResult, wellKnown: found?.authentication },
    signal,
    (warning) => warnings.push(warning),
  )
  if (chosen) {
    const m = chosen.metadata
    oauth.offered = true
    oauth.source = chosen.source
    oauth.metadata = m
    const page = accountManagementUrl(m) ?? chosen.account
    if (page) oauth.accountManagementUrl = page
    if (m.accountManagementActionsSupported) oauth.accountManagementActions = m.accountManagementActionsSupported
  } else if (metadataResult.ok === false && metadataResult.error.kind !== 'unsupported' && metadataResult.error.status !== 404) {
    warnings.push(`Whether ${host} offers OAuth 2.0 sign-in could not be checked: ${embed(metadataResult.error.message)}`)
  }

  let caps: Capabilities | null = null
  if (capabilitiesResult?.ok) caps = capabilitiesResult.value
  else if (capabilitiesResult && !capabilitiesResult.ok) warnings.push(`The server’s capabilities could not be read: ${embed(capabilitiesResult.error.message)}`)

  const personFlows = flows.filter((f) => f.type !== 'm.login.application_service')
  const ssoFlow = personFlows.find((f) => f.type === 'm.login.sso')
  const tokenFlow = personFlows.find((f) => f.type === 'm.login.token')
  const password = personFlows.some((f) => f.type === 'm.login.password')
  const getLoginToken =
    tokenFlow?.getLoginToken === true || caps?.getLoginToken === true || versions.unstableFeatures['org.matrix.msc3882'] === true

  const r0Only = isR0Only(versions)
  if (r0Only) warnings.push(`${host} runs an old Matrix version (${versions.versions.join(', ')}); some features may be missing.`)
  if (plainHttpHost(baseUrl) !== undefined) {
    warnings.push(`${host} is reached over plain http://, so passwords and tokens would cross the network unencrypted.`)
  }
  if (flowsKnown && !password && !ssoFlow && !tokenFlow && !oauth.offered) {
    warnings.push(`${capitalise(host)} offers no sign-in method Latchkey supports.`)
  }

  const result: Discovery = {
    input: target.input,
    serverName,
    baseUrl,
    wellKnown: { status, url: wellKnownUrl },
    versions: [...versions.versions],
    unstableFeatures: { ...versions.unstableFeatures },
    r0Only,
    legacyApi,
    loginTypes: personFlows.map((f) => f.type),
    password,
    loginToken: tokenFlow !== undefined,
    sso: ssoFlow !== undefined,
    identityProviders: ssoFlow?.identityProviders ?? [],
    getLoginToken,
    oauthAwarePreferred: ssoFlow?.oauthAwarePreferred === true,
    capabilities: caps ? { getLoginToken: caps.getLoginToken } : null,
    oauth,
    warnings,
  }
  if (found?.identityServerBaseUrl) result.wellKnown.identityServerBaseUrl = found.identityServerBaseUrl
  return result
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: MatrixError }

/**
 * The OAuth 2.0 metadata by the first way the server answered, in the order of OAuthSource. An
 * issuer named without metadata (auth_issuer, the well-known key) costs one more request, to the
 * issuer's OpenID discovery document, whose `issuer` must be the one named (OpenID Discovery §4.3).
 */
async function chooseOAuth(
  transport: Transport,
  answers: { stable: Settled<AuthMetadata>; unstable: Settled<AuthMetadata>; issuer: Settled<string>; wellKnown: { issuer: string; account?: string } | undefined },
  signal: { signal?: AbortSignal },
  warn: (sentence: string) => void,
): Promise<{ source: OAuthSource; metadata: AuthMetadata; account?: string } | null> {
  if (answers.stable.ok) return { source: 'auth_metadata', metadata: answers.stable.value }
  if (answers.unstable.ok) return { source: 'unstable_auth_metadata', metadata: answers.unstable.value }
  const named: { source: OAuthSource; issuer: string; account?: string } | null = answers.issuer.ok
    ? { source: 'auth_issuer', issuer: answers.issuer.value }
    : answers.wellKnown
      ? { source: 'well_known', ...answers.wellKnown }
      : null
  if (!named) return null
  try {
    const metadata = await transport.send(openIdConfigurationEndpoint, undefined, { baseUrl: named.issuer, ...signal })
    if (trimBaseUrl(metadata.issuer) !== trimBaseUrl(named.issuer)) {
      warn(`The sign-in server ${hostOf(named.issuer)} describes itself as another server (${hostOf(metadata.issuer)}), so Latchkey does not use it.`)
      return null
    }
    return named.account === undefined ? { source: named.source, metadata } : { source: named.source, metadata, account: named.account }
  } catch (e) {
    if (!(e instanceof MatrixError) || e.kind === 'cancelled') throw e
    warn(`The sign-in server ${hostOf(named.issuer)} could not be read: ${embed(e.message)}`)
    return null
  }
}

/**
 * The base URL a server name's well-known file names, read as discover() reads it (the spec's
 * https://<hostname>/.well-known/matrix/client), or null when it gives no usable answer: 404,
 * no answer in time, refused, not JSON, or no valid http(s) base_url. Used to check that a user
 * id's server vouches for the homeserver that signed it in (service/server-trust.ts).
 */
export async function vouchedBaseUrl(
  serverName: string,
  options: { transport: Transport; signal?: AbortSignal; timeoutMs?: number },
): Promise<string | null> {
  const parsed = parseServerName(serverName)
  if (!parsed) return null
  const origin = `https://${parsed.hostname}`
  let found: WellKnown
  try {
    found = await options.transport.send(wellKnownEndpoint, undefined, {
      baseUrl: origin,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    })
  } catch (e) {
    if (!(e instanceof MatrixError) || e.kind === 'cancelled') throw e
    return null
  }
  const url = found.homeserverBaseUrl.trim()
  if (!URL.canParse(url)) return null
  const base = new URL(url)
  if (!/^https?:$/.test(base.protocol) || base.username !== '' || base.password !== '') return null
  return trimBaseUrl(url)
}
