import pkg from '../../../package.json' with { type: 'json' }
import type { SecretStore } from '../accounts'
import type { ResolveForTests } from '../matrix'
import type { ServiceApi } from '../../shared/contract'
import type { EventCheck, ServiceListener } from './events'

export interface SessionServiceOptions {
  /** accounts.json lives here (LATCHKEY_HOME / Electron's userData). */
  dataDir: string
  /** Default: openSecretStore() — the keychain, else memory with a notice. */
  secrets?: SecretStore
  /**
   * What every event payload goes through before a listener sees it. Default: the contract's
   * schemas (src/shared/bind.ts), which load zod; the command line passes its own, smaller one.
   */
  checkEvent?: EventCheck
  /** Why `secrets` keeps tokens only in memory, when the caller opened the store itself (openSecretStore's notice). */
  secretsNotice?: string
  /** The keychain service name when `secrets` is not given. Default 'Latchkey'; tests use their own. */
  keychainService?: string
  /**
   * Opens the system browser (SSO sign-in, SSO confirmation of a device sign-out or login token).
   * Electron: shell.openExternal through an allow-list; CLI: print + xdg-open; e2e: a page.
   */
  openExternal?: (url: string) => Promise<void>
  /** initial_device_display_name of new sessions. Default 'Latchkey on <hostname>'. */
  deviceName?: string
  /**
   * Tests shorten these. `resolveForTests` serves server names such as example.org from loopback
   * test servers (see TransportOptions); the app and the CLI never set it.
   */
  matrix?: { totalTimeoutMs?: number; connectTimeoutMs?: number; maxRateLimitWaitMs?: number; resolveForTests?: ResolveForTests }
  /**
   * Emit accountsChanged when another process (the command line, another window of the app)
   * changes accounts.json. Default true; a short-lived command may turn it off.
   */
  watchAccounts?: boolean
  /** Tuning, mostly for tests. */
  tuning?: Partial<ServiceTuning>
  /**
   * What Latchkey publishes as its own client information (issue 11 §3). Default: the app's name,
   * version and project page; the command line passes "Latchkey CLI".
   */
  clientInformation?: { name: string; version?: string; url?: string }
  /**
   * The two settings issue 11 reads. Default: settings.json (publish, look every 15 minutes unless
   * changed). A function, so a changed setting is read at the next look.
   */
  insightSettings?: () => Promise<InsightSettings>
  /** Look for new devices every `newDeviceCheckMinutes` while the service runs (the app; not the CLI). Default false. */
  watchDevices?: boolean
}

export interface InsightSettings {
  publishClientInformation: boolean
  newDeviceCheckMinutes: number
}

/**
 * What Latchkey says about itself in client information: its name, package.json's version, and
 * package.json's `homepage` as the project page once it has one (none is invented here).
 */
export function defaultClientInformation(name = 'Latchkey'): { name: string; version: string; url?: string } {
  const homepage = (pkg as { homepage?: unknown }).homepage
  return typeof homepage === 'string' ? { name, version: pkg.version, url: homepage } : { name, version: pkg.version }
}

export interface InsightsOptions {
  settings: () => Promise<InsightSettings>
  clientInformation: { name: string; version?: string; url?: string }
}

export interface ServiceTuning {
  /** Device ids per POST /delete_devices. */
  deleteChunkSize: number
  /** Session checks in flight per homeserver host: generous, so twenty or thirty accounts on one server go in one wave. */
  checksPerHost: number
  /** Session checks in flight in all (every host at once, within this bound). */
  checksInFlight: number
  /** How often an SSO confirmation is polled while the person is in the browser. */
  ssoPollIntervalMs: number
  /** How long a person has for an SSO sign-in or confirmation in the browser. */
  ssoTimeoutMs: number
  /** Thumbnails kept in memory. */
  avatarCacheSize: number
}

export const DEFAULT_TUNING: ServiceTuning = {
  deleteChunkSize: 100,
  checksPerHost: 32,
  checksInFlight: 128,
  ssoPollIntervalMs: 2000,
  ssoTimeoutMs: 5 * 60_000,
  avatarCacheSize: 200,
}

export interface SessionService extends ServiceApi {
  /** Every change emits an event; the Electron shell forwards them to the renderer, the e2e harness to the page. */
  onEvent(listener: ServiceListener): () => void
  /** Stops watching accounts.json, cancels pending SSO sign-ins and browser confirmations, and drops listeners. */
  close(): Promise<void>
  /** After `publishClientInformation` changed (settings): publish or withdraw on every signed-in account. */
  clientInformationSettingChanged(): Promise<void>
}
