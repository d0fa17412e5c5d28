import type { HomeserverOptions, IdentityProviderSeed, IdpFailure, OAuthProfile, ServerProfile, UserAgentStyle } from './types'

// Options with their defaults filled in, so handlers never repeat a default.

export interface HomeserverConfig {
  serverName: string
  port: number
  flows: {
    password: boolean
    token: boolean
    getLoginToken: boolean
    sso: boolean
    identityProviders: IdentityProviderSeed[]
    oauthAwarePreferred: boolean
    applicationService: boolean
  }
  versions: string[]
  /** Only r0.x versions advertised: r0 paths answer, v3 and v1 paths do not. */
  r0Only: boolean
  unstableFeatures: Record<string, boolean>
  accessTokenLifetimeMs: number
  loginTokenLifetimeMs: number
  getLoginTokenRateLimitMs: number
  mas: boolean
  /** undefined: the default document pointing at this server; null: 404. */
  wellKnown: unknown | null | undefined
  /** A login answer's well_known when it differs from the file; undefined: as the file. */
  loginWellKnown: unknown
  capabilitiesGetLoginToken: boolean
  idpFailure: IdpFailure | null
  /** OAuth mode (null: the legacy API only). */
  oauth: OAuthConfig | null
  userAgents: UserAgentStyle
  /** Set by tests that play a hostile server (see TestHomeserver.rewriteKeysQuery). */
  rewriteKeysQuery: ((answer: Record<string, unknown>) => unknown) | null
}

export interface OAuthConfig {
  profile: OAuthProfile
  deviceGrant: boolean
  accessTokenTtlSeconds: number
  deviceCodeTtlSeconds: number
  deviceIntervalSeconds: number
  slowDownPolls: number
  enforceInterval: boolean
}

function resolveOAuth(options: HomeserverOptions): OAuthConfig | null {
  if (!options.oauth) return null
  const o = options.oauth === true ? {} : options.oauth
  return {
    profile: o.profile ?? 'auth-metadata',
    deviceGrant: o.deviceGrant ?? true,
    accessTokenTtlSeconds: o.accessTokenTtlSeconds ?? 300,
    deviceCodeTtlSeconds: o.deviceCodeTtlSeconds ?? 600,
    deviceIntervalSeconds: o.deviceIntervalSeconds ?? 5,
    slowDownPolls: o.slowDownPolls ?? 0,
    enforceInterval: o.enforceInterval ?? true,
  }
}

export const DEFAULT_VERSIONS = ['r0.6.1', 'v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11', 'v1.12']

/** What Synapse 1.97 advertises: every r0 release and v1.1 to v1.6, though it serves v1.7's get_token. */
export const SYNAPSE_197_VERSIONS = ['r0.0.1', 'r0.1.0', 'r0.2.0', 'r0.3.0', 'r0.4.0', 'r0.5.0', 'r0.6.0', 'r0.6.1', 'v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6']

const PROFILES: Record<ServerProfile, HomeserverOptions> = {
  'synapse-1.97': {
    versions: SYNAPSE_197_VERSIONS,
    unstableFeatures: { 'org.matrix.msc3882': true },
    flows: { getLoginToken: true },
    capabilitiesGetLoginToken: true,
    // A default Synapse keeps user agents to itself (MSC3852 off).
    userAgents: 'none',
  },
}

export const DEFAULT_IDENTITY_PROVIDERS: IdentityProviderSeed[] = [{ id: 'test-idp', name: 'Test identity provider' }]

export function resolveConfig(given: HomeserverOptions): HomeserverConfig {
  const profile = given.profile ? PROFILES[given.profile] : {}
  const options: HomeserverOptions = { ...profile, ...given, flows: { ...profile.flows, ...given.flows } }
  const versions = options.versions ?? DEFAULT_VERSIONS
  const r0Only = versions.length > 0 && versions.every((v) => v.startsWith('r0.'))
  const oauth = resolveOAuth(options)
  // OAuth mode is a server run by MAS: its legacy API is the compatibility layer.
  const mas = options.mas ?? oauth !== null
  const flows = options.flows ?? {}
  // MAS has no /login/get_token and old r0 servers predate it (spec v1.7).
  const getLoginToken = flows.getLoginToken ?? (!mas && !r0Only)
  return {
    serverName: options.serverName ?? 'localhost',
    port: options.port ?? 0,
    flows: {
      password: flows.password ?? true,
      token: flows.token ?? true,
      getLoginToken,
      sso: flows.sso ?? true,
      identityProviders: flows.identityProviders ?? DEFAULT_IDENTITY_PROVIDERS,
      oauthAwarePreferred: flows.oauthAwarePreferred ?? false,
      applicationService: flows.applicationService ?? false,
    },
    versions,
    r0Only,
    unstableFeatures: options.unstableFeatures ?? (getLoginToken ? { 'org.matrix.msc3882': true } : {}),
    accessTokenLifetimeMs: options.accessTokenLifetimeMs ?? 5 * 60_000,
    loginTokenLifetimeMs: options.loginTokenLifetimeMs ?? 120_000,
    getLoginTokenRateLimitMs: options.getLoginTokenRateLimitMs ?? 0,
    mas,
    wellKnown: options.wellKnown,
    loginWellKnown: options.loginWellKnown,
    capabilitiesGetLoginToken: options.capabilitiesGetLoginToken ?? getLoginToken,
    idpFailure: options.idpFailure ?? null,
    oauth,
    userAgents: options.userAgents ?? 'stable',
    rewriteKeysQuery: null,
  }
}
