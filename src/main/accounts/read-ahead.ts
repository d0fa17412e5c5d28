/**
 * A SecretStore that can start reading secrets before they are asked for. The command line's
 * `check` knows every account's key from accounts.json at once, while the service's modules are
 * still loading: the keychain's answers (one D-Bus round trip each) arrive meanwhile, instead of
 * after (issue 13 §2). A read started ahead is used once; `set` and `delete` drop it, so a read
 * ahead can never answer a secret older than one written since.
 */
import type { SecretStore, StoredSecret } from './secrets'

export class ReadAheadSecretStore implements SecretStore {
  readonly kind: SecretStore['kind']
  private readonly ahead = new Map<string, Promise<StoredSecret | null>>()

  constructor(private readonly inner: SecretStore) {
    this.kind = inner.kind
  }

  /** Starts reading each key's secret now; a failure is answered to whoever asks for it. */
  readAhead(keys: Iterable<string>): void {
    for (const key of keys) {
      if (this.ahead.has(key)) continue
      const reading = this.inner.get(key)
      // Nobody may ever ask (the account was removed meanwhile): that is not an unhandled rejection.
      reading.catch(() => undefined)
      this.ahead.set(key, reading)
    }
  }

  get(key: string): Promise<StoredSecret | null> {
    const reading = this.ahead.get(key)
    if (!reading) return this.inner.get(key)
    this.ahead.delete(key)
    return reading
  }

  set(key: string, secret: StoredSecret): Promise<void> {
    this.ahead.delete(key)
    return this.inner.set(key, secret)
  }

  delete(key: string): Promise<boolean> {
    this.ahead.delete(key)
    return this.inner.delete(key)
  }

  list(): Promise<string[]> {
    return this.inner.list()
  }
}
