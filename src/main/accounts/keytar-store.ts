/**
 * The OS keychain through keytar: macOS Keychain, Windows Credential Manager, or the Secret
 * Service (gnome-keyring, KWallet) on Linux. One entry per session: service "Latchkey", account
 * `<user id>|<device id>`, password the secret as JSON.
 */
import { SecretStoreError } from './errors'
import { checkedSecret, readSecret, userIdOfKey, type SecretStore, type StoredSecret } from './secrets'

export const DEFAULT_SERVICE = 'Latchkey'

/** The part of keytar's API this store uses; tests pass a fake. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>
}

export class KeytarSecretStore implements SecretStore {
  readonly kind = 'keychain' as const
  readonly service: string

  constructor(
    private readonly keytar: KeytarLike,
    options: { service?: string } = {},
  ) {
    this.service = options.service ?? DEFAULT_SERVICE
  }

  async get(key: string): Promise<StoredSecret | null> {
    const text = await this.call(key, () => this.keytar.getPassword(this.service, key))
    if (text === null) return null
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw corrupt(key)
    }
    const secret = readSecret(json)
    if (!secret) throw corrupt(key)
    return secret
  }

  async set(key: string, secret: StoredSecret): Promise<void> {
    const checked = checkedSecret(key, secret)
    await this.call(key, () => this.keytar.setPassword(this.service, key, JSON.stringify(checked)))
  }

  async delete(key: string): Promise<boolean> {
    return this.call(key, () => this.keytar.deletePassword(this.service, key))
  }

  async list(): Promise<string[]> {
    const credentials = await this.call(null, () => this.keytar.findCredentials(this.service))
    return credentials.map((credential) => credential.account).sort()
  }

  /** keytar's errors are D-Bus or OS messages; they never contain the secret, so they may be shown. */
  private async call<T>(key: string | null, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation()
    } catch (error) {
      const userId = key === null ? undefined : userIdOfKey(key)
      const reason = firstLine(error)
      throw new SecretStoreError(
        'keychain-failed',
        userId
          ? `The system keychain failed for ${userId} (${reason}).`
          : `The system keychain failed (${reason}).`,
        userId,
      )
    }
  }
}

function corrupt(key: string): SecretStoreError {
  const userId = userIdOfKey(key)
  // Names the account and nothing of the stored text, which may be a token.
  return new SecretStoreError(
    'corrupt-secret',
    `The saved session for ${userId} in the system keychain is damaged; sign in to ${userId} again.`,
    userId,
  )
}

export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const line = message.split('\n', 1)[0]!.trim()
  return line.length > 200 ? `${line.slice(0, 199)}…` : line
}
