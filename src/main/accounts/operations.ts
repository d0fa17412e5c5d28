/**
 * Changes to a registry draft, for use inside `AccountRegistry.update`. Each one throws a
 * `RegistryError` a person can read when the change makes no sense, and `update` then writes
 * nothing.
 */
import { RegistryError } from './errors'
import type { AccountRecord, AccountStatus, OAuthClientRecord, RegistrySnapshot, ServerVersionsRecord } from './schema'

/** 'acc_' + 16 hex digits: random, so it says nothing about the user and never repeats. */
export function newAccountId(): string {
  return `acc_${randomHex(8)}`
}

/** What a caller knows when it adds an account; the registry assigns the rest. */
export type NewAccount = Omit<AccountRecord, 'id' | 'order' | 'addedAt' | 'status'> & {
  status?: AccountStatus
  addedAt?: string
}

/** Fields a caller may change on an existing account. A key set to `undefined` is removed. */
export type AccountPatch = Partial<Omit<AccountRecord, 'id' | 'addedAt' | 'order'>>

export function findAccount(snapshot: RegistrySnapshot, id: string): AccountRecord | undefined {
  return snapshot.accounts.find((account) => account.id === id)
}

export function getAccount(snapshot: RegistrySnapshot, id: string): AccountRecord {
  const account = findAccount(snapshot, id)
  if (!account) throw unknownAccount(id)
  return account
}

/**
 * Appends an account at the end of the list. The first account becomes the active one. Several
 * accounts on one homeserver are fine, and so is one user on two devices; the same user on the
 * same device twice is not (they would share one keychain entry).
 */
export function addAccount(
  draft: RegistrySnapshot,
  input: NewAccount,
  options: { now?: Date; id?: string } = {},
): AccountRecord {
  const existing = draft.accounts.find(
    (account) => account.userId === input.userId && account.deviceId === input.deviceId,
  )
  if (existing) {
    throw new RegistryError(
      'duplicate-account',
      `${input.userId} on device ${input.deviceId} is already in the account list.`,
    )
  }
  const record: AccountRecord = {
    ...input,
    id: options.id ?? newAccountId(),
    order: draft.accounts.reduce((max, account) => Math.max(max, account.order + 1), 0),
    addedAt: input.addedAt ?? (options.now ?? new Date()).toISOString(),
    status: input.status ?? 'active',
  }
  draft.accounts.push(record)
  if (draft.activeId === null) draft.activeId = record.id
  return record
}

/** Removes an account. When it was the active one, its neighbour in the list takes over. */
export function removeAccount(draft: RegistrySnapshot, id: string): AccountRecord {
  const ordered = [...draft.accounts].sort((a, b) => a.order - b.order)
  const index = ordered.findIndex((account) => account.id === id)
  if (index < 0) throw unknownAccount(id)
  const [removed] = ordered.splice(index, 1)
  draft.accounts = draft.accounts.filter((account) => account.id !== id)
  if (draft.activeId === id) draft.activeId = ordered[Math.min(index, ordered.length - 1)]?.id ?? null
  return removed!
}

export function setActiveAccount(draft: RegistrySnapshot, id: string | null): void {
  if (id !== null) getAccount(draft, id)
  draft.activeId = id
}

/**
 * Puts the named accounts first, in the given order; accounts not named (for example one another
 * process added since the list was shown) keep their relative order after them.
 */
export function reorderAccounts(draft: RegistrySnapshot, ids: readonly string[]): void {
  if (new Set(ids).size !== ids.length) {
    throw new RegistryError('invalid-change', 'The new account order names an account twice.')
  }
  const named = ids.map((id) => getAccount(draft, id))
  const rest = draft.accounts
    .filter((account) => !ids.includes(account.id))
    .sort((a, b) => a.order - b.order)
  ;[...named, ...rest].forEach((account, index) => {
    account.order = index
  })
}

export function patchAccount(draft: RegistrySnapshot, id: string, patch: AccountPatch): AccountRecord {
  const account = getAccount(draft, id)
  const target = account as unknown as Record<string, unknown>
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'id' || key === 'addedAt' || key === 'order') continue
    if (value === undefined) delete target[key]
    else target[key] = value
  }
  return account
}

/**
 * A label or colour left out stays as it is; an empty (or blank) label removes the label. A colour
 * cannot be removed, only replaced; it is kept in lower case.
 */
export function relabelAccount(draft: RegistrySnapshot, id: string, change: { label?: string; color?: string }): AccountRecord {
  getAccount(draft, id)
  const label = change.label?.trim()
  return patchAccount(draft, id, {
    ...(change.label === undefined ? {} : { label: label === '' ? undefined : label }),
    ...(change.color === undefined ? {} : { color: change.color.toLowerCase() }),
  })
}

// The two maps of version 2. Keys come from servers (an issuer, a base URL), so they are read with
// an own-property check and written as own properties, whatever their name.

/** The OAuth client Latchkey registered at `issuer`, if any (issue 10 §2). */
export function getOAuthClient(snapshot: RegistrySnapshot, issuer: string): OAuthClientRecord | undefined {
  return ownEntry(snapshot.oauthClients, issuer)
}

export function setOAuthClient(
  draft: RegistrySnapshot,
  issuer: string,
  client: { clientId: string; registeredAt?: string },
  now: Date = new Date(),
): OAuthClientRecord {
  const record: OAuthClientRecord = { clientId: client.clientId, registeredAt: client.registeredAt ?? now.toISOString() }
  setEntry(draft.oauthClients, issuer, record)
  return record
}

export function removeOAuthClient(draft: RegistrySnapshot, issuer: string): void {
  if (ownEntry(draft.oauthClients, issuer)) delete draft.oauthClients[issuer]
}

/** A homeserver's `/versions` as last fetched, if kept (issue 13 §1); how fresh it must be is the caller's choice. */
export function getServerVersions(snapshot: RegistrySnapshot, baseUrl: string): ServerVersionsRecord | undefined {
  return ownEntry(snapshot.servers, baseUrl)
}

export function setServerVersions(
  draft: RegistrySnapshot,
  baseUrl: string,
  versions: { versions: readonly string[]; unstableFeatures: Readonly<Record<string, boolean>>; fetchedAt?: string },
  now: Date = new Date(),
): ServerVersionsRecord {
  // Whatever a server advertised, what is kept stays within the validator's bounds, so a server can
  // never make the list unwritable: too many or too long entries are cut, not refused.
  const unstableFeatures: Record<string, boolean> = {}
  let features = 0
  for (const [name, on] of Object.entries(versions.unstableFeatures)) {
    if (features >= 4096) break
    if (name.length === 0 || name.length > 255 || typeof on !== 'boolean') continue
    defineEntry(unstableFeatures, name, on)
    features++
  }
  const record: ServerVersionsRecord = {
    versions: versions.versions.filter((v) => typeof v === 'string' && v.length > 0 && v.length <= 64).slice(0, 256),
    unstableFeatures,
    fetchedAt: versions.fetchedAt ?? now.toISOString(),
  }
  setEntry(draft.servers, baseUrl, record)
  return record
}

export function removeServerVersions(draft: RegistrySnapshot, baseUrl: string): void {
  if (ownEntry(draft.servers, baseUrl)) delete draft.servers[baseUrl]
}

function ownEntry<T>(map: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined
}

/** An own property whatever the key's name: `map[key] = value` with `__proto__` would set the prototype. */
function defineEntry<T>(map: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true })
}

function setEntry<T>(map: Record<string, T>, key: string, value: T): void {
  if (key === '') throw new RegistryError('invalid-change', 'An empty name cannot be kept in the account list.')
  defineEntry(map, key, value)
}

function unknownAccount(id: string): RegistryError {
  return new RegistryError('unknown-account', `No account with id ${id} is in the list; it may have been removed.`)
}

/**
 * `bytes` random bytes as hex, from the global Web Crypto: importing node:crypto costs a command
 * line ~10 ms of start-up even when it never makes an id or writes a file.
 */
function randomHex(bytes: number): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('')
}
