import { authOf, type RequestContext, type Route } from '../context'
import { fail, limitExceeded, matrixError, ok, unrecognized, type Reply } from '../reply'
import type { User } from '../state'
import { requireUia } from '../uia'

// Signing in and out (spec: "Login", "Logout", "Refreshing access tokens", "POST /login/get_token",
// "GET /account/whoami").

// Enough calling codes to resolve m.id.phone identifiers in tests; a real server uses libphonenumber.
const CALLING_CODES: Record<string, string> = { GB: '44', US: '1', CA: '1', DE: '49', FR: '33', NL: '31', IE: '353', AU: '61' }

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key]
  if (value === undefined) return undefined
  if (typeof value !== 'string') fail(400, 'M_BAD_JSON', `"${key}" must be a string.`)
  return value
}

function requiredString(body: Record<string, unknown>, key: string): string {
  const value = optionalString(body, key)
  if (value === undefined) fail(400, 'M_MISSING_PARAM', `"${key}" is required.`)
  return value
}

function userFromThirdParty(ctx: RequestContext, medium: string, address: string): User | undefined {
  if (medium === 'email') return ctx.hs.state.findUserByEmail(address)
  if (medium === 'msisdn') return ctx.hs.state.findUserByMsisdn(address)
  return undefined
}

function userForPassword(ctx: RequestContext): User | undefined {
  const { body } = ctx
  const identifier = body['identifier']
  if (identifier !== undefined) {
    if (!identifier || typeof identifier !== 'object' || Array.isArray(identifier)) fail(400, 'M_BAD_JSON', '"identifier" must be an object.')
    const id = identifier as Record<string, unknown>
    switch (id['type']) {
      case 'm.id.user':
        return ctx.hs.state.findUser(requiredString(id, 'user'))
      case 'm.id.thirdparty':
        return userFromThirdParty(ctx, requiredString(id, 'medium'), requiredString(id, 'address'))
      case 'm.id.phone': {
        const country = requiredString(id, 'country').toUpperCase()
        const code = CALLING_CODES[country]
        if (code === undefined) fail(400, 'M_INVALID_PARAM', `Unknown country "${country}".`)
        return ctx.hs.state.findUserByMsisdn(code + requiredString(id, 'phone').replace(/\D/g, ''))
      }
      default:
        fail(400, 'M_UNKNOWN', 'Unknown identifier type.')
    }
  }
  // The deprecated top-level fields (r0 clients still send them; the v3 schema still lists them).
  const user = optionalString(body, 'user')
  if (user !== undefined) return ctx.hs.state.findUser(user)
  const medium = optionalString(body, 'medium')
  const address = optionalString(body, 'address')
  if (medium !== undefined && address !== undefined) return userFromThirdParty(ctx, medium, address)
  fail(400, 'M_MISSING_PARAM', '"identifier" is required.')
}

function login(ctx: RequestContext): Reply {
  const { hs, body } = ctx
  const { flows, r0Only } = hs.config
  const type = requiredString(body, 'type')
  const deviceId = optionalString(body, 'device_id')
  const displayName = optionalString(body, 'initial_device_display_name')
  const wantsRefresh = body['refresh_token']
  if (wantsRefresh !== undefined && typeof wantsRefresh !== 'boolean') fail(400, 'M_BAD_JSON', '"refresh_token" must be a boolean.')

  let user: User | undefined
  if (type === 'm.login.password' && flows.password) {
    const password = requiredString(body, 'password')
    const candidate = userForPassword(ctx)
    if (!candidate || candidate.password === undefined || candidate.password !== password) {
      fail(403, 'M_FORBIDDEN', 'Invalid username or password.')
    }
    user = candidate
  } else if (type === 'm.login.token' && flows.token) {
    const token = hs.state.loginTokens.get(requiredString(body, 'token'))
    if (!token || token.used || token.expiresAt <= Date.now()) fail(403, 'M_FORBIDDEN', 'Invalid or expired login token.')
    user = hs.state.users.get(token.localpart)
    if (!user) fail(403, 'M_FORBIDDEN', 'Invalid or expired login token.')
    if (!user.locked) token.used = true
  } else {
    fail(400, 'M_UNKNOWN', 'Bad login type.')
  }
  if (user.locked) fail(401, 'M_USER_LOCKED', 'This account has been locked.', { soft_logout: true })

  const existed = deviceId !== undefined && user.devices.has(deviceId)
  const device = hs.state.ensureDevice(user, deviceId, displayName)
  if (existed) hs.state.revokeDeviceTokens(user, device.deviceId)
  const refreshable = wantsRefresh === true && !r0Only
  const tokens = hs.state.issueTokens(user, device.deviceId, { refreshable, lifetimeMs: hs.config.accessTokenLifetimeMs })
  device.lastSeenIp = ctx.ip
  device.lastSeenTs = Date.now()
  if (ctx.userAgent) device.userAgent = ctx.userAgent

  const response: Record<string, unknown> = {
    user_id: hs.state.userId(user.localpart),
    access_token: tokens.accessToken,
    device_id: device.deviceId,
  }
  if (r0Only) response['home_server'] = hs.config.serverName
  if (tokens.refreshToken !== undefined) {
    response['refresh_token'] = tokens.refreshToken
    response['expires_in_ms'] = tokens.expiresInMs
  }
  const wellKnown = hs.config.loginWellKnown ?? hs.config.wellKnown
  if (wellKnown !== null) response['well_known'] = wellKnown ?? { 'm.homeserver': { base_url: hs.baseUrl } }
  return ok(response)
}

function refresh(ctx: RequestContext): Reply {
  const { state, config } = ctx.hs
  const old = state.refreshTokens.get(requiredString(ctx.body, 'refresh_token'))
  if (!old) return matrixError(401, 'M_UNKNOWN_TOKEN', 'Unknown refresh token.', { soft_logout: false })
  if (old.softLoggedOut) return matrixError(401, 'M_UNKNOWN_TOKEN', 'This session was signed out; sign in again.', { soft_logout: true })
  // Synapse's answer for a refresh token whose successor is already in use.
  if (old.superseded) return matrixError(403, 'M_FORBIDDEN', 'This refresh token has already been used.')
  const user = state.users.get(old.localpart)
  if (!user || !user.devices.has(old.deviceId)) return matrixError(401, 'M_UNKNOWN_TOKEN', 'Unknown refresh token.', { soft_logout: false })
  if (user.locked) return matrixError(401, 'M_USER_LOCKED', 'This account has been locked.', { soft_logout: true })
  state.noteUsed(old.predecessor)
  // Re-using a refresh token before its successor was used is allowed (the client may have lost
  // the answer); the unused successor pair is discarded.
  if (old.successor) {
    state.accessTokens.delete(old.successor.accessToken)
    state.refreshTokens.delete(old.successor.refreshToken)
  }
  const tokens = state.issueTokens(user, old.deviceId, { refreshable: true, lifetimeMs: config.accessTokenLifetimeMs, predecessor: old.token })
  old.successor = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken! }
  return ok({ access_token: tokens.accessToken, refresh_token: tokens.refreshToken, expires_in_ms: tokens.expiresInMs })
}

function getLoginToken(ctx: RequestContext): Reply {
  const { config, state } = ctx.hs
  if (!config.flows.getLoginToken || config.mas) return unrecognized('This homeserver does not offer login tokens.')
  const { user } = authOf(ctx)
  const windowMs = config.getLoginTokenRateLimitMs
  const last = state.lastLoginTokenIssued.get(user.localpart)
  if (windowMs > 0 && last !== undefined && Date.now() - last < windowMs) {
    const retryAfterMs = windowMs - (Date.now() - last)
    return limitExceeded(retryAfterMs)
  }
  requireUia(ctx, 'getLoginToken')
  const token = state.mintLoginToken(user.localpart, config.loginTokenLifetimeMs)
  state.lastLoginTokenIssued.set(user.localpart, Date.now())
  return ok({
    login_token: token.token,
    expires_in_ms: config.loginTokenLifetimeMs,
    // The unstable MSC3882 field Synapse still sends, in seconds.
    expires_in: Math.floor(config.loginTokenLifetimeMs / 1000),
  })
}

export const sessionRoutes: Route[] = [
  { endpoint: 'login', method: 'POST', space: 'client', path: '/login', auth: 'none', body: 'json', handle: login },
  {
    endpoint: 'logout', method: 'POST', space: 'client', path: '/logout', auth: 'required', body: 'json',
    handle: (ctx) => {
      const { user, token } = authOf(ctx)
      // An OAuth session ends by revocation at the issuer (REAL-SERVERS.md: Synapse with MSC3861).
      if (token.oauth) return unrecognized('Sign out by revoking the token at the OAuth 2.0 server.')
      ctx.hs.state.deleteDevice(user, token.deviceId)
      return ok({})
    },
  },
  {
    endpoint: 'logoutAll', method: 'POST', space: 'client', path: '/logout/all', auth: 'required', body: 'json',
    handle: (ctx) => {
      // MAS refuses unless the client accepts that only the compatibility sessions end.
      if (ctx.hs.config.mas && ctx.body['io.element.only_compat_is_fine'] !== true) {
        return unrecognized('This homeserver manages sessions in its account management page.')
      }
      const { user } = authOf(ctx)
      for (const deviceId of [...user.devices.keys()]) ctx.hs.state.deleteDevice(user, deviceId)
      return ok({})
    },
  },
  {
    endpoint: 'whoami', method: 'GET', space: 'client', path: '/account/whoami', auth: 'required', body: 'none',
    handle: (ctx) => {
      const { user, token } = authOf(ctx)
      return ok({ user_id: ctx.hs.state.userId(user.localpart), device_id: token.deviceId, is_guest: false })
    },
  },
  { endpoint: 'refresh', method: 'POST', space: 'client-v3-only', path: '/refresh', auth: 'none', body: 'json', handle: refresh },
  { endpoint: 'getLoginToken', method: 'POST', space: 'client-v1', path: '/login/get_token', auth: 'required', body: 'json', handle: getLoginToken },
]
