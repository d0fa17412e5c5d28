import { resolveConfig } from './config'
import type { Route } from './context'
import { deviceRoutes } from './routes/devices'
import { OAuthIssuer } from './oauth/issuer'
import { STABLE_API, UNSTABLE_API } from './oauth/scopes'
import { discoveryRoutes } from './routes/discovery'
import { ACCOUNT_PAGE, oauthRoutes } from './routes/oauth'
import { keyRoutes } from './routes/keys'
import { profileRoutes } from './routes/profile'
import { sessionRoutes } from './routes/session'
import { ssoRoutes } from './routes/sso'
import { HttpFront } from './server'
import { HomeserverState, randomDeviceId } from './state'
import type { HomeserverOptions, TestHomeserver } from './types'
import { completeStage } from './uia'

export type * from './types'

const ROUTES: Route[] = [...discoveryRoutes, ...sessionRoutes, ...deviceRoutes, ...keyRoutes, ...profileRoutes, ...ssoRoutes, ...oauthRoutes]

/** Starts an in-memory homeserver on 127.0.0.1 (see notes/homeserver-api.md for the contract). */
export async function startHomeserver(options: HomeserverOptions = {}): Promise<TestHomeserver> {
  const config = resolveConfig(options)
  const state = new HomeserverState(config.serverName)
  for (const seed of options.users ?? []) state.addUser(seed)
  const front = new HttpFront(config, state, ROUTES)
  await front.listen(config.port)
  let issuer: OAuthIssuer | null = null
  if (config.oauth) {
    const o = config.oauth
    issuer = new OAuthIssuer({
      serverName: config.serverName,
      state,
      accountManagementUri: () => `${front.baseUrl}${ACCOUNT_PAGE}`,
      accessTokenTtlSeconds: o.accessTokenTtlSeconds,
      deviceGrant: o.deviceGrant,
      deviceCodeTtlSeconds: o.deviceCodeTtlSeconds,
      deviceIntervalSeconds: o.deviceIntervalSeconds,
      slowDownPolls: o.slowDownPolls,
      enforceInterval: o.enforceInterval,
      apiScopes: o.profile === 'well-known' ? [UNSTABLE_API] : [STABLE_API, UNSTABLE_API],
    })
    // Revoking an OAuth session ends its device (REAL-SERVERS.md: Synapse with MSC3861).
    issuer.onGrantRevoked = (accountId, deviceId) => {
      const user = state.users.get(accountId)
      if (user) state.deleteDevice(user, deviceId)
    }
    try {
      await issuer.listen()
    } catch (error) {
      await front.close()
      throw error
    }
    front.oauth = issuer
  }
  const oauth = issuer

  const tokensOf = (localpart: string | undefined, deviceId?: string) =>
    [...state.accessTokens.values()].filter(
      (t) => (localpart === undefined || t.localpart === localpart.toLowerCase()) && (deviceId === undefined || t.deviceId === deviceId),
    )

  return {
    url: front.baseUrl,
    serverName: config.serverName,
    requests: front.requests,
    close: async () => {
      await Promise.all([front.close(), oauth?.close()])
    },
    setFault: (endpoint, fault) => front.faults.set(endpoint, fault),
    rateLimit: (endpoint, times, retryAfterMs, style = 'both') => {
      if (times <= 0) front.rateLimits.delete(endpoint)
      else front.rateLimits.set(endpoint, { remaining: times, retryAfterMs, style })
    },
    addUser: (seed) => void state.addUser(seed),
    addDevices: (localpart, count) => {
      const user = state.requireUser(localpart)
      const now = Date.now()
      for (let i = 0; i < count; i++) {
        let deviceId = randomDeviceId()
        while (user.devices.has(deviceId)) deviceId = randomDeviceId()
        // Varied on purpose: some devices never seen, some without a name, spread over a year.
        user.devices.set(deviceId, {
          deviceId,
          ...(i % 7 === 3 ? {} : { displayName: `Seeded device ${i + 1}` }),
          ...(i % 11 === 5 ? {} : { lastSeenIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, lastSeenTs: now - ((i * 7_919_993) % 31_536_000_000) }),
        })
      }
    },
    devicesOf: (localpart) => state.devicesView(localpart),
    softLogout: (localpart, deviceId) => {
      state.requireUser(localpart)
      for (const token of tokensOf(localpart, deviceId)) token.softLoggedOut = true
      for (const refresh of state.refreshTokens.values()) {
        if (refresh.localpart === localpart.toLowerCase() && (deviceId === undefined || refresh.deviceId === deviceId)) refresh.softLoggedOut = true
      }
    },
    expireAccessTokens: (localpart) => {
      for (const token of tokensOf(localpart)) token.expiresAt = Date.now() - 1
    },
    lockUser: (localpart) => void (state.requireUser(localpart).locked = true),
    unlockUser: (localpart) => void (state.requireUser(localpart).locked = false),
    mintLoginToken: (localpart) => state.mintLoginToken(state.requireUser(localpart).localpart, config.loginTokenLifetimeMs).token,
    clearRequests: () => void front.requests.splice(0),
    load: front.load,
    resetPeakLoad: () => void (front.load.peak = front.load.now),
    setIdpFailure: (failure) => void (config.idpFailure = failure),
    ...(oauth
      ? {
          oauth: {
            issuer: oauth.issuer,
            registrations: oauth.registrations,
            clientIds: () => oauth.clientIds(),
            forgetClients: () => oauth.forgetClients(),
            liveRefreshTokens: () => oauth.liveRefreshTokens(),
            endDevice: (localpart: string, deviceId: string) => oauth.endDevice(localpart, deviceId),
            slowDownNextPolls: (count: number) => oauth.slowDownNextPolls(count),
            issuedTokens: () => [...oauth.issued],
            setDown: (down: boolean) => void (oauth.down = down),
          },
        }
      : {}),
    completeUiaSession: (sessionId) => {
      const session = state.uiaSessions.get(sessionId)
      if (!session) throw new Error('The test homeserver has no such UIA session.')
      const user = state.requireUser(session.localpart)
      completeStage(state.uiaSessions, sessionId, user.password === undefined ? 'm.login.sso' : 'm.login.password')
    },
    addDevice: (localpart, device) => {
      const user = state.requireUser(localpart)
      user.devices.set(device.deviceId, { ...device })
    },
    setDeviceKeys: (localpart, deviceId, keys) => {
      const device = state.requireUser(localpart).devices.get(deviceId)
      if (!device) throw new Error(`The test homeserver has no device "${deviceId}" for "${localpart}".`)
      if (keys === null) delete device.keys
      else device.keys = keys
    },
    setCrossSigningKeys: (localpart, keys) => {
      const user = state.requireUser(localpart)
      if (keys === null) delete user.crossSigning
      else user.crossSigning = { ...keys }
    },
    setUserAgent: (localpart, deviceId, userAgent) => {
      const device = state.requireUser(localpart).devices.get(deviceId)
      if (!device) throw new Error(`The test homeserver has no device "${deviceId}" for "${localpart}".`)
      if (userAgent === null) delete device.userAgent
      else device.userAgent = userAgent
    },
    setAccountData: (localpart, type, content) => void state.requireUser(localpart).accountData.set(type, content),
    accountDataOf: (localpart) => Object.fromEntries(state.requireUser(localpart).accountData),
    setUserAgentStyle: (style) => void (config.userAgents = style),
    rewriteKeysQuery: (rewrite) => void (config.rewriteKeysQuery = rewrite),
  }
}
