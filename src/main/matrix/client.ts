// A session with one homeserver: the access token, its renewal, and a method per endpoint.
// Tokens live only in this object and in what `onCredentials` persists; they go out only in the
// Authorization header (and the refresh token in the /refresh body).

import { accountManagementUrl } from './account-management'
import type { AnyEndpoint, Endpoint } from './endpoint'
import {
  authMetadata,
  capabilities,
  deleteDevice,
  deleteDevices,
  devices,
  getDevice,
  getLoginToken,
  keysQuery,
  login,
  loginFlows,
  logout,
  logoutAll,
  profile,
  refresh,
  setAccountData,
  sync,
  thumbnail,
  updateDevice,
  versions as versionsEndpoint,
  whoami,
  type AuthMetadata,
  type Capabilities,
  type Device,
  type KeysQueryResponse,
  type LoginFlow,
  type LoginMethod,
  type Profile,
  type Thumbnail,
  type WhoAmI,
} from './endpoints/index'
import { CLIENT_INFORMATION_FILTER, CLIENT_INFORMATION_PREFIX, clientInformationByDevice, type ClientInformation } from './client-information'
import { isMatrixError, MatrixError } from './errors'
import { KnownServers } from './known-servers'
import { loggedOutSentence } from './sentences'
import { isR0Only, pathChoices, type ServerVersions } from './spec-versions'
import { hostOf, Transport, trimBaseUrl, type CallOptions, type SendContext, type TransportOptions } from './transport'
import { runUia, type UiaOptions } from './uia'
import type { AuthDict } from './uia-state'

export interface Credentials {
  accessToken: string
  refreshToken?: string
  /** Milliseconds since the epoch when the access token stops working, if the server said. */
  expiresAt?: number
}

export interface LoginResult extends Credentials {
  userId: string
  deviceId: string
  /** The server's `well_known` asks the client to use this base URL from now on. */
  wellKnownBaseUrl?: string
}

export type LoginRequest = LoginMethod & {
  /** Sign in again as this device (after a soft logout) instead of making a new one. */
  deviceId?: string
  initialDeviceDisplayName?: string
  /** Ask for a refresh token. Default true. */
  refreshToken?: boolean
}

export interface LoginToken {
  /** Shown to the person (QR code, copy button): signing in another device is what it is for. */
  loginToken: string
  expiresInMs: number
  /** Milliseconds since the epoch. */
  expiresAt: number
}

export interface ThumbnailSize {
  width: number
  height: number
  method?: 'crop' | 'scale'
  animated?: boolean
}

export interface MatrixClientOptions {
  baseUrl: string
  /** From discovery; fetched on the first call when absent. */
  versions?: ServerVersions | readonly string[]
  credentials?: Credentials
  /** Called with rotated tokens before they are used; if it throws, they are not used. */
  onCredentials?: (credentials: Credentials) => Promise<void>
  /**
   * Renews the session some other way than the legacy POST /refresh (an OAuth 2.0 session's
   * refresh token grant). Given the current credentials (with a refresh token), answers the new
   * ones; a refusal is a MatrixError of kind 'logged-out'. onCredentials is still called after it.
   */
  renew?: (current: Credentials & { refreshToken: string }) => Promise<Credentials>
  /** The signed-in user, if known (saves a whoami before a password UIA stage). */
  userId?: string
  transport?: Transport | TransportOptions
  /** What is known of servers, shared by every session (versions learnt once per server). Default: this client's own. */
  servers?: KnownServers
  /**
   * Reads the credentials as stored now. Asked before a renewal and before a rejected token is
   * believed: another process (the app, the command line) may have renewed or replaced them.
   */
  storedCredentials?: () => Promise<Credentials | null>
}

/** Refresh a little before the server's stated expiry, so a call does not race the clock. */
const EXPIRY_MARGIN_MS = 15_000

export class MatrixClient {
  readonly baseUrl: string
  /** host[:port], as messages name the server. */
  readonly host: string
  readonly transport: Transport
  readonly servers: KnownServers
  private creds: Credentials | null
  private readonly onCredentials: ((c: Credentials) => Promise<void>) | undefined
  private readonly renewer: MatrixClientOptions['renew']
  private readonly storedCredentials: (() => Promise<Credentials | null>) | undefined
  private refreshing: Promise<Credentials> | null = null
  private knownUserId: string | undefined

  constructor(options: MatrixClientOptions) {
    this.baseUrl = trimBaseUrl(options.baseUrl)
    this.host = hostOf(this.baseUrl)
    this.transport = options.transport instanceof Transport ? options.transport : new Transport(options.transport)
    this.servers = options.servers ?? new KnownServers({ now: this.transport.now })
    const v = options.versions
    if (v !== undefined) this.servers.remember(this.baseUrl, isVersionList(v) ? { versions: [...v], unstableFeatures: {} } : v)
    this.creds = options.credentials ? { ...options.credentials } : null
    this.onCredentials = options.onCredentials
    this.renewer = options.renew
    this.storedCredentials = options.storedCredentials
    this.knownUserId = options.userId
  }

  get signedIn(): boolean {
    return this.creds !== null
  }

  /** The user this session belongs to, once known (login, whoami, or the constructor). */
  get userId(): string | undefined {
    return this.knownUserId
  }

  /** Adopt credentials read from storage (or drop them with null). Not passed to onCredentials. */
  setCredentials(credentials: Credentials | null): void {
    this.creds = credentials ? { ...credentials } : null
  }

  // ---------------------------------------------------------------------------------------------
  // The generic call

  /**
   * Any endpoint: its path, the token, one refresh-and-retry on M_UNKNOWN_TOKEN. The path comes
   * from what the server said (versions, signals, a path that answered before); when the server's
   * versions are not known yet the newest path goes out at once while they are learnt beside it.
   * A path answered with M_UNRECOGNIZED gets the other path tried once — and is the cue to learn
   * the server's versions again — before the call is reported unsupported.
   */
  async send<P, R>(endpoint: Endpoint<P, R>, params: P, options: CallOptions & { secrets?: readonly (string | undefined)[] } = {}): Promise<R> {
    if (endpoint.unversioned) return this.sendOn(endpoint, params, options, undefined)
    const [first, other] = this.pathsFor(endpoint, options)
    try {
      return await this.sendOn(endpoint, params, options, first)
    } catch (e) {
      if (!isMatrixError(e, 'unsupported')) throw e
      this.servers.forgetPath(this.baseUrl, endpoint.name, first)
      const relearning = this.servers.relearn(this.baseUrl, () => this.fetchVersions(options))
      try {
        if (other === undefined) throw e
        const answer = await this.sendOn(endpoint, params, options, other)
        this.servers.notePath(this.baseUrl, endpoint.name, other)
        return answer
      } catch (again) {
        if (!isMatrixError(again, 'unsupported')) {
          // Any other answer (a UIA challenge, a refusal) still shows the path is served.
          if (other !== undefined && isMatrixError(again) && again.status !== undefined) this.servers.notePath(this.baseUrl, endpoint.name, other)
          throw again
        }
        throw e
      } finally {
        await relearning
      }
    }
  }

  /** The path to try first and the one other worth a try; starts learning unknown versions. */
  private pathsFor(endpoint: AnyEndpoint, options: CallOptions): [string, string | undefined] {
    const versions = this.servers.versions(this.baseUrl)
    if (!versions) void this.servers.learn(this.baseUrl, () => this.fetchVersions(options)).catch(() => undefined)
    const choices = pathChoices(endpoint.history, versions, this.servers.signals(this.baseUrl))
    const served = this.servers.path(this.baseUrl, endpoint.name)
    const ordered = served === undefined ? choices : [served, ...choices.filter((p) => p !== served)]
    return [ordered[0]!, ordered[1]]
  }

  private async sendOn<P, R>(endpoint: Endpoint<P, R>, params: P, options: CallOptions & { secrets?: readonly (string | undefined)[] }, path: string | undefined): Promise<R> {
    const ctx = (accessToken: string | undefined): SendContext => {
      const c: SendContext = { baseUrl: this.baseUrl }
      if (path !== undefined) c.path = path
      if (accessToken !== undefined) c.accessToken = accessToken
      if (options.signal) c.signal = options.signal
      if (options.timeoutMs !== undefined) c.timeoutMs = options.timeoutMs
      if (options.secrets) c.secrets = [...options.secrets, this.creds?.refreshToken]
      else if (this.creds?.refreshToken) c.secrets = [this.creds.refreshToken]
      return c
    }
    if (endpoint.auth === 'none' || (endpoint.auth === 'optional' && !this.creds)) {
      return this.transport.send(endpoint, params, ctx(undefined))
    }
    await this.refreshIfExpiring()
    const token = this.creds?.accessToken
    try {
      return await this.transport.send(endpoint, params, ctx(token))
    } catch (e) {
      if (!isMatrixError(e, 'logged-out') || e.errcode !== 'M_UNKNOWN_TOKEN') throw e
      // Before believing a rejection: the stored session may have moved on (another process
      // renewed or signed in again); the token we hold is then merely stale.
      const moved = this.creds !== null && this.creds.accessToken !== token
      if (!moved && !(await this.adoptStored(token))) {
        // An OAuth 2.0 session signs in again as the same device whatever the server said, so
        // a token that cannot be renewed means "sign in again", not "gone".
        if (!this.creds?.refreshToken) throw this.renewer && !e.softLogout ? e.with({ softLogout: true, message: loggedOutSentence(this.host, true) }) : e
        await this.renewAfterRejection(token, e)
      }
      return this.transport.send(endpoint, params, ctx(this.creds?.accessToken))
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Endpoints

  /** GET /versions (learnt once per server and kept: discovery usually supplies it). */
  async versions(options: CallOptions = {}): Promise<ServerVersions> {
    return this.versionsForPaths(options)
  }

  /** GET /login; a flow's flags are signals for choosing paths (PathHistory.stableSignals). */
  async loginFlows(options?: CallOptions): Promise<LoginFlow[]> {
    const flows = await this.send(loginFlows, undefined, options)
    this.servers.noteSignals(this.baseUrl, loginFlowSignals(flows))
    return flows
  }

  /** POST /login. The session is adopted by this client (onCredentials is not called: persist the result). */
  async login(request: LoginRequest, options: CallOptions = {}): Promise<LoginResult> {
    const versions = await this.versionsForPaths(options)
    const params = { ...request, refreshToken: request.refreshToken ?? true, legacyFields: isR0Only(versions) }
    let r
    try {
      r = await this.send(login, params, options)
    } catch (e) {
      if (isMatrixError(e, 'http') && e.errcode === 'M_FORBIDDEN') {
        const message =
          request.type === 'password'
            ? `${this.host} refused the user name or password.`
            : `${this.host} refused the login token: it has expired or was already used.`
        throw e.with({ message, secrets: [request.type === 'password' ? request.password : request.token] })
      }
      throw e
    }
    const result: LoginResult = { userId: r.userId, deviceId: r.deviceId, accessToken: r.accessToken }
    if (r.refreshToken !== undefined) result.refreshToken = r.refreshToken
    if (r.expiresInMs !== undefined) result.expiresAt = this.transport.now() + r.expiresInMs
    if (r.wellKnownBaseUrl !== undefined) result.wellKnownBaseUrl = r.wellKnownBaseUrl
    const creds: Credentials = { accessToken: result.accessToken }
    if (result.refreshToken !== undefined) creds.refreshToken = result.refreshToken
    if (result.expiresAt !== undefined) creds.expiresAt = result.expiresAt
    this.creds = creds
    this.knownUserId = r.userId
    return result
  }

  /** POST /logout: ends this session and deletes its device. The client forgets its tokens. */
  async logout(options?: CallOptions): Promise<void> {
    await this.send(logout, undefined, options)
    this.creds = null
  }

  /** POST /logout/all. On MAS servers: `unsupported`, with the account-management URL. */
  async logoutAll(options: CallOptions = {}): Promise<void> {
    try {
      await this.send(logoutAll, undefined, options)
    } catch (e) {
      throw await this.withAccountManagement(e, 'org.matrix.devices_list', undefined, options)
    }
    this.creds = null
  }

  async whoami(options?: CallOptions): Promise<WhoAmI> {
    const r = await this.send(whoami, undefined, options)
    this.knownUserId = r.userId
    return r
  }

  /** POST /login/get_token, through User-Interactive Authentication. */
  async getLoginToken(uia: UiaOptions = {}, options: CallOptions = {}): Promise<LoginToken> {
    const r = await this.withUia(getLoginToken, (auth) => (auth ? { auth } : {}), uia, options)
    return { loginToken: r.loginToken, expiresInMs: r.expiresInMs, expiresAt: this.transport.now() + r.expiresInMs }
  }

  /** POST /refresh now (also done on its own on M_UNKNOWN_TOKEN). Concurrent callers share one. */
  refresh(_options?: CallOptions): Promise<Credentials> {
    return this.renew(undefined)
  }

  /** GET /capabilities; each enabled one is a signal for choosing paths (PathHistory.stableSignals). */
  async capabilities(options?: CallOptions): Promise<Capabilities> {
    const caps = await this.send(capabilities, undefined, options)
    this.servers.noteSignals(this.baseUrl, capabilitySignals(caps))
    return caps
  }

  devices(options?: CallOptions): Promise<Device[]> {
    return this.send(devices, undefined, options)
  }

  getDevice(deviceId: string, options?: CallOptions): Promise<Device> {
    return this.send(getDevice, { deviceId }, options)
  }

  updateDevice(deviceId: string, changes: { displayName?: string }, options?: CallOptions): Promise<void> {
    return this.send(updateDevice, changes.displayName === undefined ? { deviceId } : { deviceId, displayName: changes.displayName }, options)
  }

  /** DELETE /devices/{id}, through UIA. On MAS servers: `unsupported`, with the account-management URL. */
  async deleteDevice(deviceId: string, uia: UiaOptions = {}, options: CallOptions = {}): Promise<void> {
    try {
      await this.withUia(deleteDevice, (auth) => (auth ? { deviceId, auth } : { deviceId }), uia, options)
    } catch (e) {
      throw await this.withAccountManagement(e, 'org.matrix.device_delete', deviceId, options)
    }
  }

  /** POST /delete_devices, through UIA. On MAS servers: `unsupported`, with the account-management URL. */
  async deleteDevices(deviceIds: readonly string[], uia: UiaOptions = {}, options: CallOptions = {}): Promise<void> {
    try {
      await this.withUia(deleteDevices, (auth) => (auth ? { deviceIds, auth } : { deviceIds }), uia, options)
    } catch (e) {
      const [only] = deviceIds
      throw await this.withAccountManagement(e, deviceIds.length === 1 ? 'org.matrix.device_delete' : 'org.matrix.devices_list', deviceIds.length === 1 ? only : undefined, options)
    }
  }

  profile(userId: string, options?: CallOptions): Promise<Profile> {
    return this.send(profile, { userId }, options)
  }

  /** An avatar: GET /v1/media/thumbnail (authenticated media). `media` is an mxc:// URI or its parts. */
  thumbnail(media: string | { serverName: string; mediaId: string }, size: ThumbnailSize, options?: CallOptions): Promise<Thumbnail> {
    const parts = typeof media === 'string' ? parseMxc(media) : media
    if (!parts) {
      return Promise.reject(new MatrixError({ kind: 'invalid-input', endpoint: 'thumbnail', host: this.host, message: 'That picture address is not an mxc:// URI.' }))
    }
    return this.send(thumbnail, { ...parts, ...size }, options)
  }

  /** POST /keys/query for these users' devices and cross-signing keys (checked by ./cross-signing.ts, not here). */
  keysQuery(userIds: readonly string[], options?: CallOptions): Promise<KeysQueryResponse> {
    return this.send(keysQuery, { userIds }, options)
  }

  /**
   * Every device's client information, in one request: a /sync filtered to that account data and
   * nothing else, answering at once (timeout 0) and without marking the person online.
   */
  async clientInformation(options?: CallOptions): Promise<Map<string, ClientInformation>> {
    const r = await this.send(sync, { filter: CLIENT_INFORMATION_FILTER, timeoutMs: 0, setPresence: 'offline' }, options)
    return clientInformationByDevice(r.accountData)
  }

  /** PUT this device's client information; `{}` withdraws it (the spec has no delete for account data). */
  async publishClientInformation(deviceId: string, info: ClientInformation | Record<string, never>, options: CallOptions = {}): Promise<void> {
    const userId = this.knownUserId ?? (await this.whoami(options)).userId
    await this.send(setAccountData, { userId, type: `${CLIENT_INFORMATION_PREFIX}${deviceId}`, content: { ...info } }, options)
  }

  authMetadata(options?: CallOptions): Promise<AuthMetadata> {
    return this.send(authMetadata, undefined, options)
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  private versionsForPaths(options: CallOptions): Promise<ServerVersions> {
    return this.servers.learn(this.baseUrl, () => this.fetchVersions(options))
  }

  /** Fetched without a token: a stale token must not make the version check itself fail. */
  private fetchVersions(options: CallOptions): Promise<ServerVersions> {
    return this.transport.send(versionsEndpoint, undefined, {
      baseUrl: this.baseUrl,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    })
  }

  /** Adopts the stored credentials when they are not the ones holding `token`. True if adopted. */
  private async adoptStored(token: string | undefined): Promise<boolean> {
    if (!this.storedCredentials) return false
    let stored: Credentials | null
    try {
      stored = await this.storedCredentials()
    } catch {
      return false
    }
    if (!stored || stored.accessToken === token) return false
    // Someone in this process moved on meanwhile: theirs is the newest.
    if (this.creds && this.creds.accessToken !== token) return true
    this.creds = { ...stored }
    return true
  }

  private withUia<P, R>(endpoint: Endpoint<P, R>, params: (auth: AuthDict | undefined) => P, uia: UiaOptions, options: CallOptions): Promise<R> {
    const known = this.servers.versions(this.baseUrl)
    const r0 = known ? isR0Only(known) : false
    return runUia((auth) => this.send(endpoint, params(auth), options), uia, {
      endpoint: endpoint.name,
      host: this.host,
      label: endpoint.label,
      fallbackUrl: (stage, session) =>
        `${this.baseUrl}/_matrix/client/${r0 ? 'r0' : 'v3'}/auth/${encodeURIComponent(stage)}/fallback/web?session=${encodeURIComponent(session)}`,
      resolveUser: async () => this.knownUserId ?? (await this.whoami(options)).userId,
      ...(options.signal ? { signal: options.signal } : {}),
    })
  }

  /** Servers run by MAS answer 404 M_UNRECOGNIZED: point the person at the account page instead. */
  private async withAccountManagement(e: unknown, action: string, deviceId: string | undefined, options: CallOptions): Promise<unknown> {
    if (!isMatrixError(e, 'unsupported')) return e
    let metadata: AuthMetadata
    try {
      metadata = await this.authMetadata(options)
    } catch {
      return e
    }
    const url = accountManagementUrl(metadata, action, deviceId)
    if (!url) return e
    return e.with({ accountManagementUrl: url, message: `${e.message.replace(/\.$/, '')}: ${url}` })
  }

  private async refreshIfExpiring(): Promise<void> {
    const c = this.creds
    if (!c?.refreshToken || c.expiresAt === undefined) return
    if (this.transport.now() < c.expiresAt - EXPIRY_MARGIN_MS) return
    try {
      await this.renew(c.accessToken)
    } catch (e) {
      // A renewal the server refused ends the session; anything else (network) is left to the
      // call itself, whose token may well still work.
      if (isMatrixError(e, 'logged-out') || isMatrixError(e, 'persist') || isMatrixError(e, 'user-locked')) throw e
    }
  }

  /** After M_UNKNOWN_TOKEN: renew once for everyone who saw the same token fail. */
  private async renewAfterRejection(token: string | undefined, rejection: MatrixError): Promise<void> {
    try {
      await this.renew(token, true)
    } catch (e) {
      if (isMatrixError(e, 'logged-out') && (e.endpoint === 'refresh' || this.renewer !== undefined)) {
        // The spec: soft logout only if the refresh failure says soft_logout: true.
        throw rejection.with({ softLogout: e.softLogout, message: loggedOutSentence(this.host, e.softLogout), cause: e })
      }
      if (isMatrixError(e, 'http') && (e.endpoint === 'refresh' || this.renewer !== undefined) && e.status !== undefined && e.status < 500) {
        throw rejection.with({ softLogout: false, message: loggedOutSentence(this.host, false), cause: e })
      }
      throw e
    }
  }

  /**
   * Single-flight renewal. `failedToken` is the access token the caller saw rejected (or found
   * expiring); if the session has moved on since, the renewal already happened and is not repeated.
   */
  private renew(failedToken: string | undefined, storeChecked = false): Promise<Credentials> {
    if (this.refreshing) return this.refreshing
    const current = this.creds
    if (failedToken !== undefined && current && current.accessToken !== failedToken) return Promise.resolve({ ...current })
    this.refreshing = (async () => {
      // A refresh token is used once: if another process already renewed, never replay ours.
      if (!storeChecked && current && (await this.adoptStored(current.accessToken)) && this.creds) return { ...this.creds }
      return this.doRenew()
    })().finally(() => (this.refreshing = null))
    return this.refreshing
  }

  private async doRenew(): Promise<Credentials> {
    const current = this.creds
    if (!current?.refreshToken) {
      throw new MatrixError({ kind: 'logged-out', endpoint: 'refresh', host: this.host, message: `The session on ${this.host} cannot be renewed: it has no refresh token; sign in again.` })
    }
    let next: Credentials
    if (this.renewer) {
      next = await this.renewer({ ...current, refreshToken: current.refreshToken })
    } else {
      const [path] = this.pathsFor(refresh, {})
      const r = await this.transport.send(refresh, { refreshToken: current.refreshToken }, { baseUrl: this.baseUrl, path, secrets: [current.accessToken] })
      next = { accessToken: r.accessToken, refreshToken: r.refreshToken ?? current.refreshToken }
      if (r.expiresInMs !== undefined) next.expiresAt = this.transport.now() + r.expiresInMs
    }
    if (this.onCredentials) {
      try {
        await this.onCredentials({ ...next })
      } catch (cause) {
        // Not used, so the old refresh token stays valid (spec: it is revoked only once the new
        // tokens are used) and the next call can renew again — except where renewal is the
        // caller's (OAuth 2.0): its refresh token was spent by sending it and is never sent again.
        if (this.renewer) this.creds = { accessToken: current.accessToken, ...(current.expiresAt === undefined ? {} : { expiresAt: current.expiresAt }) }
        throw new MatrixError({
          kind: 'persist',
          endpoint: 'refresh',
          host: this.host,
          message: `The renewed session for ${this.host} could not be saved, so it was not used.`,
          cause,
          secrets: [next.accessToken, next.refreshToken, current.refreshToken],
        })
      }
    }
    this.creds = next
    return { ...next }
  }
}

function isVersionList(v: ServerVersions | readonly string[]): v is readonly string[] {
  return Array.isArray(v)
}

function capabilitySignals(caps: Capabilities): string[] {
  return Object.entries(caps.raw)
    .filter(([, value]) => typeof value === 'object' && value !== null && (value as { enabled?: unknown }).enabled === true)
    .map(([name]) => `capability:${name}`)
}

function loginFlowSignals(flows: readonly LoginFlow[]): string[] {
  return flows.some((f) => f.getLoginToken === true) ? ['login-flow:get_login_token'] : []
}

/** mxc://server/mediaId → its parts, or null. */
export function parseMxc(uri: string): { serverName: string; mediaId: string } | null {
  const m = /^mxc:\/\/([^/]+)\/([A-Za-z0-9_-]+)$/.exec(uri)
  if (!m || !m[1] || !m[2]) return null
  return { serverName: m[1], mediaId: m[2] }
}

export type { AnyEndpoint }
