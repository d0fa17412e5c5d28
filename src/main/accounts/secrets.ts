/**
 * Where access and refresh tokens live: the OS keychain (keytar-store.ts), or memory in
 * session-only mode. Never a file, never a log line, never an error message.
 */
import { z } from 'zod'
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

export const storedSecretSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  expiresAt: z.number().int().nonnegative().optional(),
})

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
  const parsed = storedSecretSchema.safeParse(pickSecret(secret))
  if (!parsed.success) {
    const userId = userIdOfKey(key)
    throw new SecretStoreError(
      'invalid-secret',
      `Latchkey tried to save an incomplete session for ${userId}; nothing was saved.`,
      userId,
    )
  }
  return parsed.data
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
