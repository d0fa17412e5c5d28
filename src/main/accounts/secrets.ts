/**
 * Where access and refresh tokens live: the OS keychain (keytar-store.ts), or memory in
 * session-only mode. Never a file, never a log line, never an error message.
 */
import { SecretStoreError } from './errors'

/** One secret per session, stored as one JSON string in the keychain. */
export interface StoredSecret {
  accessToken: string
  refreshToken?: string
  /** When the access token expires, in milliseconds since the epoch. */
  expiresAt?: number
}

export interface SecretStore {
  /** 'keychain' keeps sessions across restarts; 'memory' keeps them until the process ends. */
  readonly kind: 'keychain' | 'memory'
  /** The secret for `key`, or null when there is none. Throws SecretStoreError('corrupt-secret'). */
  get(key: string): Promise<StoredSecret | null>
  set(key: string, secret: StoredSecret): Promise<void>
  /** True when there was a secret to delete. */
  delete(key: string): Promise<boolean>
  /** Every key that has a secret, sorted. */
  list(): Promise<string[]>
}

/**
 * `value` as a secret (only its known fields), or null when it is not one: a non-empty access
 * token, an optional non-empty refresh token, an optional expiry in whole milliseconds. Written
 * by hand, not with zod: every command that reads a token passes here, and zod would cost the
 * command line's start (issue 13 §2).
 */
export function readSecret(value: unknown): StoredSecret | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const { accessToken, refreshToken, expiresAt } = value as Record<string, unknown>
  if (typeof accessToken !== 'string' || accessToken.length === 0) return null
  const secret: StoredSecret = { accessToken }
  if (refreshToken !== undefined) {
    if (typeof refreshToken !== 'string' || refreshToken.length === 0) return null
    secret.refreshToken = refreshToken
  }
  if (expiresAt !== undefined) {
    if (typeof expiresAt !== 'number' || !Number.isSafeInteger(expiresAt) || expiresAt < 0) return null
    secret.expiresAt = expiresAt
  }
  return secret
}

/** The keychain entry's name for one session: `<user id>|<device id>`. */
export function secretKey(userId: string, deviceId: string): string {
  return `${userId}|${deviceId}`
}

/**
 * The user id a key belongs to, for error messages. A server name cannot contain '|', so the user
 * id ends at the first '|' after its ':'.
 */
export function userIdOfKey(key: string): string {
  const bar = key.indexOf('|', key.indexOf(':') + 1)
  return bar < 0 ? key : key.slice(0, bar)
}

/** Only the fields a secret has, so nothing else a caller passes reaches the store. */
export function pickSecret(secret: StoredSecret): StoredSecret {
  const picked: StoredSecret = { accessToken: secret.accessToken }
  if (secret.refreshToken !== undefined) picked.refreshToken = secret.refreshToken
  if (secret.expiresAt !== undefined) picked.expiresAt = secret.expiresAt
  return picked
}

/** The secret to store, checked: a store never keeps what it could not read back. */
export function checkedSecret(key: string, secret: StoredSecret): StoredSecret {
  const checked = readSecret(pickSecret(secret))
  if (!checked) {
    const userId = userIdOfKey(key)
    throw new SecretStoreError(
      'invalid-secret',
      `Latchkey tried to save an incomplete session for ${userId}; nothing was saved.`,
      userId,
    )
  }
  return checked
}

/** Session-only mode, and unit tests: secrets live as long as the process. */
export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory' as const
  private readonly secrets = new Map<string, StoredSecret>()

  async get(key: string): Promise<StoredSecret | null> {
    const secret = this.secrets.get(key)
    return secret ? { ...secret } : null
  }

  async set(key: string, secret: StoredSecret): Promise<void> {
    this.secrets.set(key, checkedSecret(key, secret))
  }

  async delete(key: string): Promise<boolean> {
    return this.secrets.delete(key)
  }

  async list(): Promise<string[]> {
    return [...this.secrets.keys()].sort()
  }
}
