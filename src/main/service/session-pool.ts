/**
 * One MatrixClient per account, holding the tokens read from the SecretStore — once per process,
 * not before every call (a keychain read is a round trip to another process). Rotations this
 * process makes are saved to the store before the client uses them (MatrixClient's onCredentials
 * contract) and kept here as written. A rotation the other process made (the app and the CLI share
 * the keychain) is found when it matters: the client reads the store again before it renews and
 * before it believes a rejected token, so a stale token is replaced, never a used refresh token
 * replayed.
 */
import { secretKey, type AccountRecord, type SecretStore, type StoredSecret } from '../accounts'
import { MatrixClient, type KnownServers, type MatrixClientOptions, type ServerVersions, type Transport } from '../matrix'
import { ContractError } from '../../shared/errors'
import { toContractError } from './errors'

interface Entry {
  client: MatrixClient
  key: string
  homeserverUrl: string
  tokens: StoredSecret
}

export class SessionPool {
  readonly #entries = new Map<string, Entry>()
  /** How an OAuth 2.0 account's session is renewed (set by the service; legacy /refresh otherwise). */
  renewerFor: ((record: AccountRecord) => NonNullable<MatrixClientOptions['renew']>) | undefined

  constructor(
    private readonly secrets: SecretStore,
    private readonly transport: Transport,
    private readonly servers: KnownServers,
  ) {}

  /** The client for an account's session. Throws ContractError (soft-logged-out, storage). */
  async client(record: AccountRecord): Promise<MatrixClient> {
    const key = secretKey(record.userId, record.deviceId)
    const cached = this.#entries.get(record.id)
    if (cached && cached.key === key && cached.homeserverUrl === record.homeserverUrl) return cached.client
    let stored: StoredSecret | null
    try {
      stored = await this.secrets.get(key)
    } catch (error) {
      throw toContractError(error)
    }
    if (stored === null) throw missingSession(record, this.secrets.kind)
    // Two callers may have read at once: the first entry made stays (it may have rotated since).
    const raced = this.#entries.get(record.id)
    if (raced && raced.key === key && raced.homeserverUrl === record.homeserverUrl) return raced.client
    return this.#create(record, key, stored)
  }

  /** Starts an account's pool entry from a fresh sign-in, reusing what its client learnt (versions). */
  adopt(record: AccountRecord, tokens: StoredSecret, versions?: ServerVersions): void {
    this.#create(record, secretKey(record.userId, record.deviceId), tokens, versions)
  }

  drop(accountId: string): void {
    this.#entries.delete(accountId)
  }

  /** Forgets the sessions of accounts not in `accountIds` (removed by another process). */
  keepOnly(accountIds: ReadonlySet<string>): void {
    for (const id of this.#entries.keys()) if (!accountIds.has(id)) this.#entries.delete(id)
  }

  clear(): void {
    this.#entries.clear()
  }

  #create(record: AccountRecord, key: string, tokens: StoredSecret, versions?: ServerVersions): MatrixClient {
    const entry: Entry = { key, homeserverUrl: record.homeserverUrl, tokens, client: undefined as unknown as MatrixClient }
    entry.client = new MatrixClient({
      baseUrl: record.homeserverUrl,
      credentials: tokens,
      userId: record.userId,
      transport: this.transport,
      servers: this.servers,
      ...(versions ? { versions } : {}),
      ...(record.authApi === 'oauth' && this.renewerFor ? { renew: this.renewerFor(record) } : {}),
      onCredentials: async (next) => {
        await this.secrets.set(key, next)
        entry.tokens = { ...next }
      },
      storedCredentials: async () => {
        const stored = await this.secrets.get(key)
        if (stored) entry.tokens = stored
        return stored
      },
    })
    this.#entries.set(record.id, entry)
    return entry.client
  }
}

function missingSession(record: AccountRecord, kind: SecretStore['kind']): ContractError {
  const why =
    kind === 'memory'
      ? 'sessions are kept in memory only here, and it was not made in this run'
      : 'the keychain has no entry for it'
  return new ContractError({
    code: 'soft-logged-out',
    message: `Latchkey has no saved session for ${record.userId} on this computer (${why}); sign in again to keep using device ${record.deviceId}.`,
  })
}
