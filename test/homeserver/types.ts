// The public shape of the test homeserver (agreed in notes/homeserver-api.md).

export interface UserSeed {
  localpart: string
  /** Absent: an SSO-only account (UIA offers m.login.sso instead of m.login.password). */
  password?: string
  email?: string
  /** International number, digits only or with a leading '+', e.g. '+447700900123'. */
  phone?: string
  displayName?: string
  /** mxc://<serverName>/<mediaId>: the thumbnail endpoint serves a generated PNG for it. */
  avatarMxc?: string
}

export interface IdentityProviderSeed {
  id: string
  name: string
  icon?: string
  brand?: string
}

/**
 * A real server's habits (REAL-SERVERS.md), as a starting point that other options override.
 * 'synapse-1.97': /versions stops at v1.6 while `org.matrix.msc3882: true` is listed, the
 * m.login.token flow says get_login_token and /capabilities says m.get_login_token enabled, and
 * only the stable POST /v1/login/get_token is served (the unstable MSC3882 path answers 404
 * M_UNRECOGNIZED, as every path this server does not know).
 */
export type ServerProfile = 'synapse-1.97'

export interface HomeserverOptions {
  profile?: ServerProfile
  serverName?: string
  port?: number
  users?: UserSeed[]
  flows?: {
    password?: boolean
    token?: boolean
    getLoginToken?: boolean
    sso?: boolean
    identityProviders?: IdentityProviderSeed[]
    oauthAwarePreferred?: boolean
    applicationService?: boolean
  }
  versions?: string[]
  unstableFeatures?: Record<string, boolean>
  accessTokenLifetimeMs?: number
  loginTokenLifetimeMs?: number
  getLoginTokenRateLimitMs?: number
  mas?: boolean
  wellKnown?: unknown | null
  /** What a login answer's `well_known` says, when it should differ from the well-known file (e.g. move to http://). */
  loginWellKnown?: unknown
  capabilitiesGetLoginToken?: boolean
  /** How the built-in identity provider page ends a sign-in (see IdpFailure). Default: it succeeds. */
  idpFailure?: IdpFailure | null
  /**
   * OAuth 2.0 mode: oidc-provider on loopback is the issuer, its access tokens are accepted by
   * introspection, and the legacy session endpoints answer as on a server run by MAS. `true` is
   * the default profile.
   */
  oauth?: boolean | OAuthModeOptions
  /**
   * How /devices carries each device's user agent (the User-Agent of its sign-in and later
   * requests): 'stable' `last_seen_user_agent` (the default), 'unstable'
   * `org.matrix.msc3852.last_seen_user_agent` (Synapse with MSC3852 on, as matrix.org), or 'none'
   * (a default Synapse).
   */
  userAgents?: UserAgentStyle
}

export type UserAgentStyle = 'stable' | 'unstable' | 'none'

/**
 * How the server says it uses OAuth 2.0:
 * - 'auth-metadata': spec v1.15 and later, `GET /_matrix/client/v1/auth_metadata` (and its MSC2965
 *   unstable twin);
 * - 'auth-issuer': MSC2965 as deployed before v1.15, only `…/org.matrix.msc2965/auth_issuer`;
 * - 'well-known': Synapse 1.97 with MSC3861, only `org.matrix.msc2965.authentication` in
 *   /.well-known/matrix/client, `GET /login` 404, and only the unstable scopes accepted.
 */
export type OAuthProfile = 'auth-metadata' | 'auth-issuer' | 'well-known'

export interface OAuthModeOptions {
  profile?: OAuthProfile
  /** Offer the device authorisation grant (RFC 8628). Default true. */
  deviceGrant?: boolean
  /** Access-token lifetime in seconds. Default 300 (MAS). */
  accessTokenTtlSeconds?: number
  /** Device-code lifetime in seconds. Default 600. */
  deviceCodeTtlSeconds?: number
  /** The `interval` of device authorisation answers, in seconds. Default 5. */
  deviceIntervalSeconds?: number
  /** Answer `slow_down` to this many device-code polls first. Default 0. */
  slowDownPolls?: number
  /** Answer `slow_down` to polls sooner than the interval. Default true. */
  enforceInterval?: boolean
}

/**
 * 'cancel': pressing Continue behaves like the page's Cancel button: 302 to redirectUrl without loginToken.
 * 'error-page': pressing Continue ends on a 403 HTML error page of the homeserver; the browser never
 * reaches redirectUrl (what Synapse does when the upstream IdP answers access_denied).
 */
export type IdpFailure = 'cancel' | 'error-page'

export type EndpointName =
  | 'wellKnown' | 'versions' | 'loginFlows' | 'login' | 'logout' | 'logoutAll' | 'whoami'
  | 'getLoginToken' | 'refresh' | 'capabilities' | 'devices' | 'getDevice' | 'updateDevice' | 'deleteDevice'
  | 'deleteDevices' | 'profile' | 'thumbnail' | 'authMetadata' | 'ssoRedirect' | 'ssoFallback'
  /** The built-in identity provider's page and its form submission (not a Matrix endpoint). */
  | 'identityProvider'
  /** MSC2965's unstable endpoints (not in the spec's OpenAPI files). */
  | 'authMetadataUnstable' | 'authIssuer'
  /** The account management web page (OAuth mode; not a Matrix endpoint). */
  | 'accountPage'
  // issue 11
  | 'keysQuery' | 'sync' | 'setAccountData'

export type Fault =
  | { kind: 'latency'; ms: number }
  | { kind: 'status'; status: 500 | 502 | 503 }
  /** A Matrix error body whose words the test chooses (long, with control characters…). */
  | { kind: 'error-body'; status: number; errcode: string; error: string; statusText?: string }
  | { kind: 'html' }
  | { kind: 'malformed-json' }
  | { kind: 'truncated' }
  | { kind: 'reset' }
  | { kind: 'hang' }

export interface RecordedRequest {
  endpoint: EndpointName | 'unknown'
  method: string
  path: string
  query: Record<string, string>
  headers: Record<string, string>
  /** Parsed JSON, the raw text when it is not JSON, undefined when empty. */
  body: unknown
  status: number
  /** Parsed JSON, the text of an HTML/plain body, undefined for binary or no body. */
  responseBody: unknown
  responseHeaders: Record<string, string>
  /**
   * Set when a fault answered instead of the homeserver, or a test rewrote the answer to play a
   * hostile server ('rewritten'); the spec validator skips these.
   */
  fault?: Fault['kind'] | 'rewritten'
  /** Set when rateLimit() answered this request. */
  rateLimited?: boolean
}

export interface DeviceView {
  deviceId: string
  displayName?: string
  lastSeenIp?: string
  lastSeenTs?: number
  userAgent?: string
  /** The device keys object /keys/query serves, as uploaded (signed). */
  keys?: Record<string, unknown>
}

/** What /keys/query serves for a user's cross-signing identity; absent keys are not served. */
export interface CrossSigningSeed {
  master?: Record<string, unknown>
  selfSigning?: Record<string, unknown>
  userSigning?: Record<string, unknown>
}

export interface TestHomeserver {
  readonly url: string
  readonly serverName: string
  close(): Promise<void>
  setFault(endpoint: EndpointName | '*', fault: Fault | null): void
  rateLimit(endpoint: EndpointName, times: number, retryAfterMs: number, style?: 'body' | 'header' | 'both'): void
  addUser(seed: UserSeed): void
  addDevices(localpart: string, count: number): void
  devicesOf(localpart: string): DeviceView[]
  softLogout(localpart: string, deviceId?: string): void
  expireAccessTokens(localpart?: string): void
  lockUser(localpart: string): void
  mintLoginToken(localpart: string): string
  readonly requests: RecordedRequest[]
  clearRequests(): void
  /** Requests being answered now, and the most answered at once since resetPeakLoad(). */
  readonly load: { readonly now: number; readonly peak: number }
  resetPeakLoad(): void
  // Beyond the agreed API:
  unlockUser(localpart: string): void
  setIdpFailure(failure: IdpFailure | null): void
  /** Marks every stage of a UIA session complete, as if the person finished the fallback page. */
  completeUiaSession(sessionId: string): void
  // issue 11: what devices publish about themselves
  /** A device as a client would make it (no token): name, user agent, last seen. */
  addDevice(localpart: string, device: DeviceView): void
  /** The device keys /keys/query serves for a device (null: the device published none). */
  setDeviceKeys(localpart: string, deviceId: string, keys: Record<string, unknown> | null): void
  setCrossSigningKeys(localpart: string, keys: CrossSigningSeed | null): void
  setUserAgent(localpart: string, deviceId: string, userAgent: string | null): void
  setAccountData(localpart: string, type: string, content: Record<string, unknown>): void
  accountDataOf(localpart: string): Record<string, Record<string, unknown>>
  setUserAgentStyle(style: UserAgentStyle): void
  /** Replaces /keys/query answers (hostile servers): gets the honest answer, returns what to send. */
  rewriteKeysQuery(rewrite: ((answer: Record<string, unknown>) => unknown) | null): void
  /** OAuth mode only: the issuer, for tests that look at registrations or end sessions there. */
  readonly oauth?: TestIssuer
}

export interface TestIssuer {
  /** The issuer identifier, with a trailing slash. */
  readonly issuer: string
  /** The JSON bodies of the dynamic client registrations received, oldest first. */
  readonly registrations: ReadonlyArray<Record<string, unknown>>
  clientIds(): string[]
  /** Forgets every registered client, as a server that prunes idle registrations does. */
  forgetClients(): void
  /** Refresh tokens not yet rotated or revoked. */
  liveRefreshTokens(): number
  /** Ends a device's tokens at the issuer (as the account page's sign-out does). */
  endDevice(localpart: string, deviceId: string): Promise<void>
  /** Answer `slow_down` to the next `count` device-code polls. */
  slowDownNextPolls(count: number): void
  /** Every access and refresh token the issuer handed out. */
  issuedTokens(): string[]
  /** Takes the issuer down (every request answers 503) or brings it back. */
  setDown(down: boolean): void
}
