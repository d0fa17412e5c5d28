import { randomBytes } from 'node:crypto'
import type { CrossSigningSeed, DeviceView, UserSeed } from './types'

// Everything the homeserver remembers, in memory. Handlers read and change it only through these
// methods, so the rules (a token belongs to one device, deleting a device revokes its tokens, a
// rotated refresh token dies once its successor is used) live in one place.

export interface Device {
  deviceId: string
  displayName?: string
  lastSeenIp?: string
  lastSeenTs?: number
  /** The User-Agent of the device's sign-in and latest request. */
  userAgent?: string
  keys?: Record<string, unknown>
}

export interface User {
  localpart: string
  password?: string
  email?: string
  phone?: string
  displayName?: string
  avatarMxc?: string
  locked: boolean
  devices: Map<string, Device>
  crossSigning?: CrossSigningSeed
  /** Global account data by type. */
  accountData: Map<string, Record<string, unknown>>
}

export interface AccessToken {
  token: string
  localpart: string
  deviceId: string
  expiresAt?: number
  /** Soft-logged-out by the test: answers M_UNKNOWN_TOKEN with soft_logout true. */
  softLoggedOut: boolean
  /** The refresh token issued with this access token, if any. */
  refreshToken?: string
  /** The refresh token whose use created this pair: it dies when this pair is first used. */
  predecessor?: string
  /** Issued by the OAuth issuer (accepted by introspection), not by /login. */
  oauth?: true
}

export interface RefreshToken {
  token: string
  localpart: string
  deviceId: string
  accessToken: string
  /** Set once rotated; the pair issued by the rotation. */
  successor?: { accessToken: string; refreshToken: string }
  /** Revoked because its successor was used: answers 403 M_FORBIDDEN. */
  superseded: boolean
  /** The device was soft-logged-out: answers 401 M_UNKNOWN_TOKEN with soft_logout true. */
  softLoggedOut?: boolean
  predecessor?: string
}

export interface LoginToken {
  token: string
  localpart: string
  expiresAt: number
  used: boolean
}

export interface UiaSession {
  id: string
  localpart: string
  /** What the session authorises (endpoint and its arguments): a changed request is refused. */
  operation: string
  completed: Set<string>
}

export type TokenLookup =
  | { kind: 'valid'; token: AccessToken; user: User }
  | { kind: 'unknown' }
  | { kind: 'soft-logout' }

export function randomId(bytes = 18): string {
  return randomBytes(bytes).toString('base64url')
}

const DEVICE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'

export function randomDeviceId(): string {
  const bytes = randomBytes(10)
  return Array.from(bytes, (b) => DEVICE_ALPHABET[b % DEVICE_ALPHABET.length]).join('')
}

export class HomeserverState {
  readonly users = new Map<string, User>()
  readonly accessTokens = new Map<string, AccessToken>()
  readonly refreshTokens = new Map<string, RefreshToken>()
  readonly loginTokens = new Map<string, LoginToken>()
  /** mediaId → the mxc URI it belongs to: avatars that the thumbnail endpoint can serve. */
  readonly media = new Set<string>()
  /** localpart → when it last received a token from get_token (for the Synapse-like rate limit). */
  readonly lastLoginTokenIssued = new Map<string, number>()
  readonly uiaSessions = new Map<string, UiaSession>()

  constructor(readonly serverName: string) {}

  userId(localpart: string): string {
    return `@${localpart}:${this.serverName}`
  }

  addUser(seed: UserSeed): User {
    const localpart = seed.localpart.toLowerCase()
    const user: User = { ...seed, localpart, locked: false, devices: new Map(), accountData: new Map() }
    this.users.set(localpart, user)
    if (seed.avatarMxc) this.media.add(seed.avatarMxc)
    return user
  }

  requireUser(localpart: string): User {
    const user = this.users.get(localpart.toLowerCase())
    if (!user) throw new Error(`The test homeserver has no user "${localpart}".`)
    return user
  }

  /** A localpart or a full user id of this server → the user, or undefined. */
  findUser(userOrId: string): User | undefined {
    let localpart = userOrId
    if (userOrId.startsWith('@')) {
      const colon = userOrId.indexOf(':')
      if (colon < 0 || userOrId.slice(colon + 1) !== this.serverName) return undefined
      localpart = userOrId.slice(1, colon)
    }
    return this.users.get(localpart.toLowerCase())
  }

  findUserByEmail(address: string): User | undefined {
    const wanted = address.trim().toLowerCase()
    for (const user of this.users.values()) if (user.email?.toLowerCase() === wanted) return user
    return undefined
  }

  findUserByMsisdn(msisdn: string): User | undefined {
    const digits = msisdn.replace(/\D/g, '')
    if (!digits) return undefined
    for (const user of this.users.values()) if (user.phone && user.phone.replace(/\D/g, '') === digits) return user
    return undefined
  }

  /** Creates the device if it is new; an existing device keeps its name (the spec ignores the new one). */
  ensureDevice(user: User, deviceId: string | undefined, displayName: string | undefined): Device {
    const existing = deviceId === undefined ? undefined : user.devices.get(deviceId)
    if (existing) return existing
    const device: Device = { deviceId: deviceId ?? this.freshDeviceId(user) }
    if (displayName !== undefined) device.displayName = displayName
    user.devices.set(device.deviceId, device)
    return device
  }

  private freshDeviceId(user: User): string {
    for (;;) {
      const id = randomDeviceId()
      if (!user.devices.has(id)) return id
    }
  }

  issueTokens(user: User, deviceId: string, options: { refreshable: boolean; lifetimeMs: number; predecessor?: string }): {
    accessToken: string
    refreshToken?: string
    expiresInMs?: number
  } {
    const access: AccessToken = { token: `syt_${randomId()}`, localpart: user.localpart, deviceId, softLoggedOut: false }
    if (options.predecessor !== undefined) access.predecessor = options.predecessor
    if (!options.refreshable) {
      this.accessTokens.set(access.token, access)
      return { accessToken: access.token }
    }
    access.expiresAt = Date.now() + options.lifetimeMs
    const refresh: RefreshToken = {
      token: `syr_${randomId()}`,
      localpart: user.localpart,
      deviceId,
      accessToken: access.token,
      superseded: false,
    }
    if (options.predecessor !== undefined) refresh.predecessor = options.predecessor
    access.refreshToken = refresh.token
    this.accessTokens.set(access.token, access)
    this.refreshTokens.set(refresh.token, refresh)
    return { accessToken: access.token, refreshToken: refresh.token, expiresInMs: options.lifetimeMs }
  }

  lookupAccessToken(token: string): TokenLookup {
    const access = this.accessTokens.get(token)
    if (!access) return { kind: 'unknown' }
    const user = this.users.get(access.localpart)
    if (!user || !user.devices.has(access.deviceId)) return { kind: 'unknown' }
    if (access.softLoggedOut) return { kind: 'soft-logout' }
    if (access.expiresAt !== undefined && access.expiresAt <= Date.now()) return { kind: 'soft-logout' }
    return { kind: 'valid', token: access, user }
  }

  /** The first use of a rotated pair kills the refresh token that produced it (and its access token). */
  noteUsed(predecessor: string | undefined): void {
    if (predecessor === undefined) return
    const old = this.refreshTokens.get(predecessor)
    if (!old || old.superseded) return
    old.superseded = true
    this.accessTokens.delete(old.accessToken)
  }

  touchDevice(access: AccessToken, ip: string, userAgent?: string): void {
    const device = this.users.get(access.localpart)?.devices.get(access.deviceId)
    if (!device) return
    device.lastSeenIp = ip
    device.lastSeenTs = Date.now()
    if (userAgent) device.userAgent = userAgent
  }

  revokeAccessToken(token: string): void {
    const access = this.accessTokens.get(token)
    if (!access) return
    this.accessTokens.delete(token)
    if (access.refreshToken) this.refreshTokens.delete(access.refreshToken)
  }

  /** Removes the device and every access and refresh token bound to it. */
  deleteDevice(user: User, deviceId: string): void {
    user.devices.delete(deviceId)
    for (const [token, access] of this.accessTokens) {
      if (access.localpart === user.localpart && access.deviceId === deviceId) this.accessTokens.delete(token)
    }
    for (const [token, refresh] of this.refreshTokens) {
      if (refresh.localpart === user.localpart && refresh.deviceId === deviceId) this.refreshTokens.delete(token)
    }
  }

  /** Earlier access tokens of a device stop working when it signs in again (the spec allows it). */
  revokeDeviceTokens(user: User, deviceId: string): void {
    for (const [token, access] of this.accessTokens) {
      if (access.localpart === user.localpart && access.deviceId === deviceId) this.revokeAccessToken(token)
    }
  }

  mintLoginToken(localpart: string, lifetimeMs: number): LoginToken {
    const token: LoginToken = { token: `syl_${randomId()}`, localpart, expiresAt: Date.now() + lifetimeMs, used: false }
    this.loginTokens.set(token.token, token)
    return token
  }

  devicesView(localpart: string): DeviceView[] {
    return [...this.requireUser(localpart).devices.values()].map((d) => ({ ...d }))
  }
}
