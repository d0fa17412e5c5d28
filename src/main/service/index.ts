/**
 * The SessionService: the one API the desktop UI and the command line call (ServiceApi in
 * src/shared/contract.ts). It owns every token: they go from the sign-in to the SecretStore and
 * from there to the MatrixClient's Authorization header, and nowhere else — not into a result,
 * an event, an error or a log line.
 */
import { hostname } from 'node:os'
import { AccountRegistry, SettingsFile, openSecretStore, type SecretStore } from '../accounts'
import { KnownServers, Transport } from '../matrix'
import { AccountsFeed } from './accounts-feed'
import { listAccounts, relabel, reorder, setActive } from './account-list'
import { AvatarCache } from './avatar'
import { checkAll } from './check'
import type { ServiceContext } from './context'
import { listDevices, renameDevice, signOutDevices } from './devices'
import { EventHub } from './events'
import { followOtherProcesses } from './external-changes'
import { forget, logout, logoutAll } from './logout'
import { generateLoginToken } from './make-login-token'
import { SessionPool } from './session-pool'
import { addWithLoginToken, addWithPassword, discoverServer, reLogin, toDiscovery } from './sign-in'
import { SsoRequests } from './sso-requests'
import { oauthRenewer } from './oauth'
import { CALL_NAMES } from '../../shared/channels'
import type { ServiceApi } from '../../shared/contract'
import { ContractError } from '../../shared/errors'
import { mapErrors } from './errors'
import { DEFAULT_TUNING, defaultClientInformation, type SessionService, type SessionServiceOptions } from './types'
import { acknowledgeIdentity, markDevicesSeen, review, signOutInactive, syncClientInformation, takeNewDeviceReports } from './insights'
import { watchDevices } from './device-watch'

export type { SessionService, SessionServiceOptions, ServiceTuning, InsightSettings } from './types'
export { defaultClientInformation } from './types'
export { newDeviceNotice, type NewDeviceNotice } from './new-device-notice'
export type { EventCheck, ServiceListener } from './events'
export { encodeLoginPayload, parseLoginPayload, type LoginPayload } from './login-payload'
export { toContractError } from './errors'

export async function createSessionService(options: SessionServiceOptions): Promise<SessionService> {
  let secrets: SecretStore
  let secretsNotice: string | undefined
  if (options.secrets) {
    secrets = options.secrets
    secretsNotice = options.secretsNotice
  } else {
    const opened = await openSecretStore(options.keychainService === undefined ? {} : { service: options.keychainService })
    secrets = opened.store
    secretsNotice = opened.notice
  }
  const events = new EventHub(options.checkEvent ?? (await import('../../shared/bind')).checkEvent)
  const registry = new AccountRegistry({
    dir: options.dataDir,
    onCorrupt: (notice) => events.emit('notice', { level: 'warning', message: notice.message }),
  })
  const transport = new Transport({
    ...(options.matrix?.totalTimeoutMs === undefined ? {} : { timeoutMs: options.matrix.totalTimeoutMs }),
    ...(options.matrix?.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.matrix.connectTimeoutMs }),
    ...(options.matrix?.maxRateLimitWaitMs === undefined ? {} : { maxRateLimitWaitMs: options.matrix.maxRateLimitWaitMs }),
    ...(options.matrix?.resolveForTests === undefined ? {} : { resolveForTests: options.matrix.resolveForTests }),
  })
  const closing = new AbortController()
  const servers = new KnownServers({ now: transport.now })
  const ctx: ServiceContext = {
    registry,
    settings: new SettingsFile(options.dataDir),
    secrets,
    secretsNotice,
    events,
    accounts: new AccountsFeed((snapshot) => events.emit('accountsChanged', snapshot)),
    pool: new SessionPool(secrets, transport, servers),
    transport,
    servers,
    tuning: { ...DEFAULT_TUNING, ...options.tuning },
    deviceName: options.deviceName ?? `Latchkey on ${hostname()}`,
    openExternal: options.openExternal ?? noBrowser,
    closing: closing.signal,
    insights: {
      settings: options.insightSettings ?? (() => ctx.settings.read()),
      clientInformation: options.clientInformation ?? defaultClientInformation(),
    },
  }
  const sso = new SsoRequests(ctx)
  // OAuth 2.0 sessions renew by the refresh token grant at their issuer (issue 10).
  ctx.pool.renewerFor = (record) => oauthRenewer(ctx, record)
  const avatars = new AvatarCache(ctx)
  const unwatch = options.watchAccounts === false ? () => {} : followOtherProcesses(ctx)
  const unwatchDevices = options.watchDevices === true ? watchDevices(ctx) : () => {}

  const api: ServiceApi = {
    listAccounts: () => listAccounts(ctx),
    discover: async ({ server }) => toDiscovery(await discoverServer(ctx, server)),
    addWithPassword: (args) => addWithPassword(ctx, args),
    addWithLoginToken: (args) => addWithLoginToken(ctx, args),
    beginSso: (args) => sso.begin(args),
    completeSso: (args) => sso.complete(args),
    cancelSso: async (args) => {
      await sso.cancel(args)
      return undefined
    },
    setActive: (args) => setActive(ctx, args),
    reorder: (args) => reorder(ctx, args),
    relabel: (args) => relabel(ctx, args),
    checkAll: () => checkAll(ctx),
    reLogin: (args) => reLogin(ctx, args),
    avatar: (args) => avatars.avatar(args),
    listDevices: (args) => listDevices(ctx, args),
    renameDevice: (args) => renameDevice(ctx, args),
    signOutDevices: (args) => signOutDevices(ctx, args),
    logout: (args) => logout(ctx, args),
    logoutAll: (args) => logoutAll(ctx, args),
    forget: (args) => forget(ctx, args),
    generateLoginToken: (args) => generateLoginToken(ctx, args),
    beginOAuth: (args) => sso.beginOAuth(args),
    beginDeviceCode: (args) => sso.beginDeviceCode(args),
    getSettings: () => ctx.settings.read(),
    setSettings: async (patch) => {
      const before = await ctx.settings.read()
      const after = await ctx.settings.update(patch)
      // Issue 11 §3: publish or withdraw Latchkey's client information on every account, in the background.
      if (before.publishClientInformation !== after.publishClientInformation) void syncClientInformation(ctx).catch(() => {})
      return after
    },
    // issue 11
    review: (args) => review(ctx, args),
    markDevicesSeen: async (args) => {
      await markDevicesSeen(ctx, args)
      return undefined
    },
    signOutInactive: (args) => signOutInactive(ctx, args),
    takeNewDeviceReports: () => takeNewDeviceReports(ctx),
    acknowledgeIdentity: async (args) => {
      await acknowledgeIdentity(ctx, args)
      return undefined
    },
  }
  return {
    ...guarded(api),
    onEvent: (listener) => events.on(listener),
    clientInformationSettingChanged: () => syncClientInformation(ctx),
    async close() {
      unwatch()
      unwatchDevices()
      closing.abort()
      await sso.closeAll()
      ctx.pool.clear()
      events.clear()
    },
  }
}

/**
 * Every method answers a value or a ContractError, whoever calls it (bindContract does the same
 * for IPC; the CLI calls the service directly).
 */
function guarded(api: ServiceApi): ServiceApi {
  const out: Record<string, unknown> = {}
  for (const name of CALL_NAMES) {
    const method = api[name] as (args: unknown) => Promise<unknown>
    out[name] = (args: unknown) => mapErrors(() => method(args))
  }
  return out as ServiceApi
}

async function noBrowser(): Promise<void> {
  throw new ContractError({ code: 'unsupported', message: 'Latchkey cannot open a browser here.' })
}
