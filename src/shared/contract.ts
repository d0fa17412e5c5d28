/**
 * The contract between the renderer and the main process (and the CLI, and the e2e harness):
 * every call with its argument and result schema, every event with its payload schema.
 *
 * Main validates every argument with these schemas before the service sees it, and parses every
 * result through its schema before it leaves (zod drops keys a schema does not name, so a token
 * that slipped into a result object would be stripped at the boundary, not sent).
 *
 * The renderer imports only types from this file (and the names in ./channels), so zod is not
 * part of its bundle.
 */
import { z } from 'zod'
import type { CallName, EventName } from './channels'

// ---------------------------------------------------------------------------------------------
// Building blocks

const id = z.string().min(1).max(255)
const text = (max: number) => z.string().max(max)

export const accountStatus = z.enum([
  'active',
  'soft-logged-out',
  'logged-out',
  'locked',
  'unreachable',
  'pending-logout',
])
export type AccountStatus = z.infer<typeof accountStatus>

export const account = z.object({
  id,
  userId: z.string(),
  homeserverUrl: z.string(),
  serverName: z.string(),
  deviceId: z.string(),
  displayName: z.string().optional(),
  /** mxc:// URI; the picture itself comes through the `avatar` call. */
  avatarUrl: z.string().optional(),
  authApi: z.enum(['legacy', 'oauth']),
  label: z.string().optional(),
  color: z.string().optional(),
  order: z.number(),
  addedAt: z.string(),
  lastCheckedAt: z.string().optional(),
  status: accountStatus,
  /** A sentence about the status, e.g. why the server is unreachable. */
  statusMessage: z.string().optional(),
  // issue 9 §2 (helper trust)
  /**
   * The homeserver's host, when the person accepted it without the user id's server vouching
   * for it (no usable well-known file): shown beside the user id wherever the account appears.
   */
  servedBy: z.string().optional(),
  // issue 11
  /** Devices marked New (seen since the person last looked in the app): the sidebar's badge. */
  newDevices: z.number().optional(),
  /** When the account's cross-signing identity changed since Latchkey first saw it (ISO time). */
  identityChangedAt: z.string().optional(),
  // issue 10: how the account signed in (absent for accounts added before Latchkey recorded it)
  signInMethod: z.enum(['password', 'sso', 'oauth', 'login-token']).optional(),
  /**
   * Issue 10 §5: its devices are signed out on the server's own account page, which opens in the
   * browser — an OAuth 2.0 account, or one on a server run by MAS (signed in through its
   * compatibility layer). Every button that does so says it.
   */
  signOutInBrowser: z.literal(true).optional(),
})
export type Account = z.infer<typeof account>

export const accountsSnapshot = z.object({
  accounts: z.array(account),
  activeId: z.string().nullable(),
  /** Where tokens are kept: the OS keychain, or memory until quit when no keychain answers. */
  storage: z.enum(['keychain', 'memory']),
  /** One sentence when something about storage needs the person's attention. */
  storageNotice: z.string().optional(),
})
export type AccountsSnapshot = z.infer<typeof accountsSnapshot>

export const identityProvider = z.object({
  id: z.string(),
  name: z.string(),
  /** mxc:// URI of the provider's icon. */
  icon: z.string().optional(),
  brand: z.string().optional(),
})
export type IdentityProvider = z.infer<typeof identityProvider>

export const discovery = z.object({
  /** What the person typed, as understood. */
  input: z.string(),
  serverName: z.string(),
  baseUrl: z.string(),
  /** Spec versions the server advertises. */
  versions: z.array(z.string()),
  password: z.boolean(),
  loginToken: z.boolean(),
  sso: z.boolean(),
  identityProviders: z.array(identityProvider),
  /** The server lets a signed-in session make login tokens for other devices. */
  getLoginToken: z.boolean(),
  /** The server prefers clients that use its OAuth 2.0 API. */
  oauthAwarePreferred: z.boolean(),
  oauth: z.object({
    offered: z.boolean(),
    accountManagementUrl: z.string().optional(),
    /** Signing in with a code shown in the terminal (RFC 8628) is possible (issue 10). */
    deviceCode: z.boolean().optional(),
  }),
  /** Sentences worth showing, e.g. that the well-known file was missing. */
  warnings: z.array(z.string()),
})
export type Discovery = z.infer<typeof discovery>

export const userIdentifier = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), user: z.string().min(1).max(255) }),
  z.object({ kind: z.literal('email'), address: z.string().min(3).max(320) }),
  z.object({
    kind: z.literal('phone'),
    country: z.string().min(2).max(2),
    phone: z.string().min(1).max(32),
  }),
])
export type UserIdentifier = z.infer<typeof userIdentifier>

/** How the person answers a User-Interactive Authentication request. */
export const uiaAuth = z.discriminatedUnion('type', [
  z.object({ type: z.literal('password'), password: z.string().min(1).max(1024) }),
  /** Complete the stage in the browser (SSO-only accounts). */
  z.object({ type: z.literal('sso') }),
])
export type UiaAuth = z.infer<typeof uiaAuth>

// issue 11: what each device is, whether it is verified, what is new
export const deviceType = z.enum(['desktop', 'mobile', 'web', 'cli-bot', 'unknown'])
export type DeviceType = z.infer<typeof deviceType>
/** Where a fact about a device came from (shown in the details view). */
export const factSource = z.enum(['client-information', 'user-agent', 'display-name'])
export type FactSource = z.infer<typeof factSource>
export const verification = z.object({
  /** 'unknown': Latchkey could not check (the reason says why); never shown as verified. */
  state: z.enum(['verified', 'unverified', 'no-encryption', 'unknown']),
  /** A sentence: why unverified, or why it could not be checked. */
  reason: z.string().optional(),
  /** The device's ed25519 key (unpadded base64), for a verified device. */
  fingerprint: z.string().optional(),
})
export type Verification = z.infer<typeof verification>

export const device = z.object({
  deviceId: z.string(),
  displayName: z.string().optional(),
  lastSeenIp: z.string().optional(),
  lastSeenTs: z.number().optional(),
  /** The device Latchkey itself signed in as, for this account. */
  current: z.boolean(),
  // issue 11
  type: deviceType.optional(),
  client: z.object({ name: z.string(), version: z.string().optional(), url: z.string().optional() }).optional(),
  os: z.string().optional(),
  userAgent: z.string().optional(),
  sources: z.object({ type: factSource.optional(), client: factSource.optional(), os: factSource.optional() }).optional(),
  verification: verification.optional(),
  /** When Latchkey first saw this device (ISO time): for devices present at the first look, that look. */
  firstSeenAt: z.string().optional(),
  /** Appeared since the person last looked at this account in the app. */
  new: z.boolean().optional(),
})
export type Device = z.infer<typeof device>

/** One account's security recommendations (issue 11 §4, §5). */
export const accountReview = z.object({
  accountId: id,
  userId: z.string(),
  /** Set when the devices could not be listed; the counts are then empty. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  unverified: z.array(z.string()),
  inactive: z.array(z.string()),
  new: z.array(z.string()),
  /** Devices whose verification could not be checked. */
  unknown: z.array(z.string()),
  /** The account's cross-signing identity changed since Latchkey first saw it (ISO time). */
  identityChangedAt: z.string().optional(),
  devices: z.array(device),
})
export type AccountReview = z.infer<typeof accountReview>

/** A device that appeared on an account, for notifications and `latchkey check`. */
export const newDeviceReport = z.object({ accountId: id, userId: z.string(), device })
export type NewDeviceReport = z.infer<typeof newDeviceReport>

export const loginToken = z.object({
  /** The one secret the renderer shows: its purpose is to be scanned or copied. */
  token: z.string(),
  expiresAt: z.number(),
  /** `latchkey://login?...` — what the QR code holds and `addWithLoginToken` accepts. */
  payload: z.string(),
})
export type LoginToken = z.infer<typeof loginToken>

// Issue 12: the person's settings (settings.json beside accounts.json; helper `ui` owns the format).
export const settings = z.object({
  version: z.literal(1),
  theme: z.enum(['system', 'light', 'dark']),
  publishClientInformation: z.boolean(),
  newDeviceCheckMinutes: z.number().int().min(1).max(1440),
})
export type Settings = z.infer<typeof settings>
export type Theme = Settings['theme']

const accountRef = z.object({ accountId: id })
/**
 * issue 9 §2: the homeserver host (host[:port]) the person confirmed after a `trust-required`
 * answer (ContractError.trust.host); the sign-in is made again and accepted for that host only.
 */
const trustServer = z.string().trim().min(1).max(300).optional()
const none = z.undefined()
/**
 * issue 9 §5: the person confirmed sending a password or token over plain http:// to a server off
 * this machine (after the call answered `plain-http`). Never set without asking.
 */
const allowPlainHttp = z.boolean().optional()

// ---------------------------------------------------------------------------------------------
// Calls

export const calls = {
  listAccounts: { args: none, result: accountsSnapshot },
  discover: { args: z.object({ server: z.string().trim().min(1).max(2048) }), result: discovery },
  addWithPassword: {
    args: z.object({
      server: z.string().trim().min(1).max(2048),
      identifier: userIdentifier,
      password: z.string().min(1).max(1024),
      deviceName: z.string().max(255).optional(),
      allowPlainHttp,
      trustServer,
    }),
    result: account,
  },
  addWithLoginToken: {
    args: z.object({
      /** A `latchkey://login?...` payload, or a server plus a bare token. */
      payload: z.string().trim().min(1).max(8192),
      server: z.string().trim().min(1).max(2048).optional(),
      allowPlainHttp,
      trustServer,
    }),
    result: account,
  },
  beginSso: {
    args: z.object({
      server: z.string().trim().min(1).max(2048),
      idpId: z.string().max(255).optional(),
      /** Sign in again to this account (soft logout), keeping its device id. */
      accountId: id.optional(),
      allowPlainHttp,
      trustServer,
    }),
    result: z.object({ requestId: id, url: z.string() }),
  },
  completeSso: { args: z.object({ requestId: id }), result: account },
  cancelSso: { args: z.object({ requestId: id }), result: none },
  setActive: { args: accountRef, result: accountsSnapshot },
  reorder: { args: z.object({ accountIds: z.array(id).max(10_000) }), result: accountsSnapshot },
  relabel: {
    args: accountRef.extend({
      label: text(64).optional(),
      color: z
        .string()
        .regex(/^#[0-9a-fA-F]{6}$/)
        .optional(),
    }),
    result: account,
  },
  checkAll: {
    args: none,
    result: accountsSnapshot.extend({
      /**
       * issue 9 §3: accounts whose token could not be looked up because no keychain answered
       * (sessions in memory only); they were not checked and are kept exactly as they were.
       */
      keychainUnread: z.array(id).optional(),
    }),
  },
  reLogin: {
    args: accountRef.extend({ password: z.string().min(1).max(1024), allowPlainHttp, trustServer }),
    result: account,
  },
  avatar: {
    args: accountRef,
    /** A data: URL of a small thumbnail, or null when the account has none. */
    result: z.string().nullable(),
  },
  listDevices: { args: accountRef, result: z.array(device) },
  renameDevice: {
    args: accountRef.extend({ deviceId: id, displayName: z.string().trim().min(1).max(255) }),
    result: device,
  },
  signOutDevices: {
    args: accountRef.extend({
      deviceIds: z.array(id).min(1).max(100_000),
      auth: uiaAuth.optional(),
      /** Issue 12: echoed in this call's `progress` events, so late ones can be told apart. */
      operationId: z.string().min(1).max(64).optional(),
    }),
    result: z.object({
      signedOut: z.array(z.string()),
      /**
       * Issue 10: on servers that end devices on their account page (OAuth 2.0, MAS), nothing is
       * signed out here: this page was opened in the browser instead (the device's own, or the list).
       */
      openedInBrowser: z.string().optional(),
    }),
  },
  logout: {
    args: accountRef,
    result: z.object({ outcome: z.enum(['logged-out', 'pending-logout']), message: z.string() }),
  },
  logoutAll: {
    args: accountRef,
    result: z.object({ outcome: z.enum(['logged-out', 'pending-logout']), message: z.string() }),
  },
  forget: { args: accountRef, result: accountsSnapshot },
  generateLoginToken: { args: accountRef.extend({ auth: uiaAuth.optional() }), result: loginToken },
  // Issue 12: settings
  getSettings: { args: none, result: settings },
  /** A partial change: only the named settings change; answers all of them. */
  setSettings: { args: settings.omit({ version: true }).partial().strict(), result: settings },
  // issue 11
  /** Every active account's recommendations, with the devices behind them. */
  review: { args: z.object({ inactiveDays: z.number().int().min(1).max(3650).optional() }).optional(), result: z.object({ accounts: z.array(accountReview) }) },
  /** The person looked at these devices in the app: they are no longer New. */
  markDevicesSeen: { args: accountRef.extend({ deviceIds: z.array(id).max(100_000) }), result: none },
  /** Sign out the inactive devices of several accounts; one answer per account. */
  signOutInactive: {
    args: z.object({
      accounts: z.array(z.object({ accountId: id, deviceIds: z.array(id).min(1).max(100_000), auth: uiaAuth.optional() })).min(1).max(1000),
    }),
    result: z.object({
      results: z.array(z.object({ accountId: id, signedOut: z.array(z.string()), error: z.object({ code: z.string(), message: z.string() }).optional() })),
    }),
  },
  /** The person reset the account's verification identity themselves: stop warning about that change. */
  acknowledgeIdentity: { args: accountRef, result: none },
  /** New devices the command line has not reported yet; each is answered once. The app's New mark stays. */
  takeNewDeviceReports: { args: none, result: z.array(newDeviceReport) },
  // Issue 10: OAuth 2.0 sign-in in the browser ("Continue with <server>"); finished with
  // completeSso and stopped with cancelSso, as SSO is.
  beginOAuth: {
    args: z.object({
      server: z.string().trim().min(1).max(2048),
      /** Sign in again to this account, keeping its device id. */
      accountId: id.optional(),
      /** The person asks for a new account on the server (prompt=create). */
      create: z.boolean().optional(),
      allowPlainHttp,
      trustServer,
    }),
    result: z.object({ requestId: id, url: z.string() }),
  },
  /**
   * OAuth 2.0 sign-in with a code confirmed in a browser elsewhere (RFC 8628; the CLI on a machine
   * without a browser). Answers what to show; completeSso waits for the person, cancelSso stops.
   */
  beginDeviceCode: {
    args: z.object({
      server: z.string().trim().min(1).max(2048),
      accountId: id.optional(),
      allowPlainHttp,
      trustServer,
    }),
    result: z.object({
      requestId: id,
      userCode: z.string(),
      verificationUri: z.string(),
      verificationUriComplete: z.string().optional(),
      /** Milliseconds since the epoch. */
      expiresAt: z.number(),
    }),
  },
} as const satisfies Record<CallName, { args: z.ZodType; result: z.ZodType }>

// ---------------------------------------------------------------------------------------------
// Events (main → renderer)

export const events = {
  /** The account list, the active account or a status changed. */
  accountsChanged: accountsSnapshot,
  /** The device list of an account changed (renamed, signed out, refreshed). */
  devicesChanged: z.object({ accountId: id, devices: z.array(device) }),
  /** Progress of a long call, e.g. signing out 500 devices in chunks. */
  progress: z.object({
    operation: z.enum(['signOutDevices', 'checkAll', 'signOutInactive']),
    /**
     * Issue 12: the call this progress belongs to (the `operationId` its caller passed). An event
     * can reach the window after its call has answered; the renderer ignores those of an
     * operation that has finished, so a late "3 of 3" cannot re-open a closed progress bar.
     */
    operationId: z.string().max(64).optional(),
    accountId: id.optional(),
    done: z.number(),
    total: z.number(),
  }),
  /** A sentence for the notice area, e.g. that the keychain is unavailable. */
  notice: z.object({
    level: z.enum(['info', 'warning', 'error']),
    message: z.string(),
    /** Issue 12: the protocol's words, behind "Details". */
    detail: z.string().optional(),
    /** Issue 12: the account it is about; it goes when the person switches away. */
    accountId: id.optional(),
  }),
  // issue 9 §5
  /**
   * A `latchkey://login?…` link was opened from outside (another app, the browser, a scanned QR
   * code): the renderer opens "Sign in with a login token" with it filled in. It signs nothing in;
   * the person does, by confirming there (addWithLoginToken).
   */
  loginLink: z.object({ payload: z.string().min(1).max(8192) }),
  // issue 11
  /** Devices that appeared on an account since Latchkey last looked (the shell notifies the person). */
  newDevices: z.object({ accountId: id, userId: z.string(), devices: z.array(device) }),
  /** The person clicked a new sign-in's notification: show that device (sent by the shell). */
  openDevice: z.object({ accountId: id, deviceId: id }),
} as const satisfies Record<EventName, z.ZodType>

// ---------------------------------------------------------------------------------------------
// Types derived from the tables

export type Calls = typeof calls
export type Events = typeof events
export type CallArgs<K extends CallName> = z.input<Calls[K]['args']>
export type CallResult<K extends CallName> = z.output<Calls[K]['result']>
export type EventPayload<K extends EventName> = z.output<Events[K]>

/** What a service must implement for `bindContract` (arguments already validated). */
export type ServiceApi = {
  [K in CallName]: (args: z.output<Calls[K]['args']>) => Promise<z.input<Calls[K]['result']>>
}

/** `window.latchkey` in the renderer: one method per call, plus event subscription. */
export type LatchkeyApi = {
  [K in CallName]: (
    ...args: undefined extends CallArgs<K> ? [args?: CallArgs<K>] : [args: CallArgs<K>]
  ) => Promise<CallResult<K>>
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

export type { CallName, EventName }
