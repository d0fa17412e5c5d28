/**
 * The layout of `accounts.json`, schema version 2. Metadata only: no token, password or secret of
 * any kind belongs here (those live in the SecretStore).
 *
 * The types are written out by hand and checked by the hand-written validator in `validate.ts`
 * (not zod: every CLI command reads this file, and importing zod alone costs ~25 ms of start-up).
 * Unknown keys are tolerated on read and dropped, so a file touched by hand or by a slightly
 * different build still loads. A build that adds fields bumps `version`, and older builds refuse
 * to write a file whose version is newer than theirs (see `migrations.ts`), so no build silently
 * drops fields it does not know.
 *
 * Version 2 added the optional account fields from `signInMethod` on, and the two maps
 * `oauthClients` and `servers` (version 1 files migrate by gaining empty maps).
 */

export const CURRENT_VERSION = 2

export const ACCOUNT_STATUSES = [
  'active',
  'soft-logged-out',
  'logged-out',
  'locked',
  'unreachable',
  'pending-logout',
] as const
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number]

export const AUTH_APIS = ['legacy', 'oauth'] as const
export type AuthApi = (typeof AUTH_APIS)[number]

export const SIGN_IN_METHODS = ['password', 'sso', 'oauth', 'login-token'] as const
export type SignInMethod = (typeof SIGN_IN_METHODS)[number]

/**
 * Why Latchkey believes the user id's server stands behind the homeserver (issue 9 §2). For
 * 'confirmed' (the person accepted it without a vouching well-known) the base URL's host is shown
 * beside the user id.
 */
export const SERVER_TRUSTS = ['well-known', 'server-name', 'loopback', 'confirmed'] as const
export type ServerTrust = (typeof SERVER_TRUSTS)[number]

export const ACCOUNT_ID_PATTERN = /^acc_[0-9a-f]{16}$/

export interface KnownDevice {
  firstSeenAt: string
  new?: true
  reported?: true
}

export interface MasterKeyRecord {
  key: string
  firstSeenAt: string
  changedFrom?: string
  changedAt?: string
}

export interface AccountRecord {
  /** Stable and random ('acc_' + 16 hex); never derived from the user id, which may repeat. */
  id: string
  userId: string
  homeserverUrl: string
  serverName: string
  deviceId: string
  displayName?: string
  /** mxc:// URI. */
  avatarUrl?: string
  authApi: AuthApi
  label?: string
  /** `#rrggbb` only: a value the renderer can paint without interpreting CSS. */
  color?: string
  /** Position in the account list, 0-based and dense after every write. */
  order: number
  addedAt: string
  lastCheckedAt?: string
  status: AccountStatus
  statusMessage?: string
  // Version 2:
  signInMethod?: SignInMethod
  serverTrust?: ServerTrust
  /** For authApi 'oauth': the issuer the tokens come from. */
  oauth?: { issuer: string }
  /** OAuth and MAS-compatible accounts: where the person manages the account, and what it offers. */
  accountManagement?: { url: string; actions: string[] }
  /** Device id → when Latchkey first saw it (issue 11 §6). */
  knownDevices?: Record<string, KnownDevice>
  /** The cross-signing master key last seen (issue 11 §2). */
  masterKey?: MasterKeyRecord
  /** Whether this session's client information was published (issue 11 §3). */
  clientInfoPublished?: boolean
}

/** A dynamically registered OAuth client, per issuer (issue 10 §2). */
export interface OAuthClientRecord {
  clientId: string
  registeredAt: string
}

/** A homeserver's `/versions` answer, kept per base URL (issue 13 §1). */
export interface ServerVersionsRecord {
  versions: string[]
  unstableFeatures: Record<string, boolean>
  fetchedAt: string
}

/** The whole of `accounts.json`: what `read()` answers and what `update()` hands out as a draft. */
export interface RegistrySnapshot {
  version: typeof CURRENT_VERSION
  activeId: string | null
  accounts: AccountRecord[]
  /** Issuer → the client Latchkey registered there. */
  oauthClients: Record<string, OAuthClientRecord>
  /** Homeserver base URL → its versions, as last fetched. */
  servers: Record<string, ServerVersionsRecord>
}

export function emptySnapshot(): RegistrySnapshot {
  return { version: CURRENT_VERSION, activeId: null, accounts: [], oauthClients: {}, servers: {} }
}
