/**
 * Changes to a registry draft, for use inside `AccountRegistry.update`. Each one throws a
 * `RegistryError` a person can read when the change makes no sense, and `update` then writes
 * nothing.
 */
import { randomBytes } from 'node:crypto'
import { RegistryError } from './errors'
import type { AccountRecord, AccountStatus, RegistrySnapshot } from './schema'

/** 'acc_' + 16 hex digits: random, so it says nothing about the user and never repeats. */
export function newAccountId(): string {
  return `acc_${randomBytes(8).toString('hex')}`
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
  const target = account as Record<string, unknown>
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'id' || key === 'addedAt' || key === 'order') continue
    if (value === undefined) delete target[key]
    else target[key] = value
  }
  return account
}

function unknownAccount(id: string): RegistryError {
  return new RegistryError('unknown-account', `No account with id ${id} is in the list; it may have been removed.`)
}
