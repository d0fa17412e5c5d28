/**
 * Older layouts of accounts.json and how each becomes the next. A migration is a pure function
 * from one version's JSON to the next version's JSON; the registry runs the chain under its lock
 * and writes the result straight back, so the ids a migration assigns are stable from then on.
 *
 * Version 0 is the prototype's layout: a bare JSON array of accounts, with no ids, order, status
 * or active account beyond an `active: true` flag on one entry. Version 1 is the first registry
 * layout; version 2 added optional account fields and the `oauthClients` and `servers` maps.
 *
 * No zod here: this runs on every read of an older file, on the CLI's start-up path.
 */
import { RegistryError } from './errors'
import { CURRENT_VERSION } from './schema'

export interface MigrationContext {
  now: Date
  newId: () => string
}

type Migration = (file: unknown, context: MigrationContext) => unknown

/** Thrown when a file cannot be understood at all; the registry moves such a file aside. */
export class UnreadableLayoutError extends Error {}

interface V0Account {
  userId: string
  homeserverUrl: string
  deviceId: string
  displayName?: string
  label?: string
  active?: boolean
  addedAt?: string
}

function isV0Account(entry: unknown): entry is V0Account {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return false
  const e = entry as Record<string, unknown>
  const optional = (key: string, type: 'string' | 'boolean'): boolean => e[key] === undefined || typeof e[key] === type
  return (
    typeof e.userId === 'string' &&
    /^@[^:]+:.+$/.test(e.userId) &&
    typeof e.homeserverUrl === 'string' &&
    typeof e.deviceId === 'string' &&
    optional('displayName', 'string') &&
    optional('label', 'string') &&
    optional('active', 'boolean') &&
    optional('addedAt', 'string')
  )
}

const v0ToV1: Migration = (file, { now, newId }) => {
  if (!Array.isArray(file) || !file.every(isV0Account)) {
    throw new UnreadableLayoutError('a version-0 account list with entries that are not accounts')
  }
  const entries: V0Account[] = file
  const accounts = entries.map((entry, index) => {
    // Only the fields a version-0 entry may have are carried over; anything else was never ours.
    const { userId, homeserverUrl, deviceId, displayName, label, addedAt } = entry
    return {
      homeserverUrl,
      deviceId,
      ...(displayName === undefined ? {} : { displayName }),
      ...(label === undefined ? {} : { label }),
      id: newId(),
      userId,
      serverName: userId.slice(userId.indexOf(':') + 1),
      // The prototype only knew the legacy /login API.
      authApi: 'legacy',
      order: index,
      addedAt: addedAt ?? now.toISOString(),
      status: 'active',
    }
  })
  const activeIndex = entries.findIndex((entry) => entry.active === true)
  return {
    version: 1,
    activeId: activeIndex >= 0 ? accounts[activeIndex]!.id : null,
    accounts,
  }
}

/** Version 2 only adds: optional account fields, and two maps that start empty. */
const v1ToV2: Migration = (file) => {
  if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new UnreadableLayoutError('a version-1 list that is not an object')
  const { oauthClients, servers, ...rest } = file as Record<string, unknown>
  return { ...rest, version: 2, oauthClients: oauthClients ?? {}, servers: servers ?? {} }
}

/** `migrations[n]` turns version n into version n + 1. */
const migrations: Record<number, Migration> = {
  0: v0ToV1,
  1: v1ToV2,
}

export function detectVersion(file: unknown): number {
  if (Array.isArray(file)) return 0
  if (typeof file === 'object' && file !== null && 'version' in file) {
    const version = (file as { version: unknown }).version
    if (typeof version === 'number' && Number.isInteger(version) && version >= 0) return version
  }
  throw new UnreadableLayoutError('no schema version')
}

/**
 * Brings parsed JSON up to the current version. Throws `RegistryError('newer-version')` for a file
 * from a newer build (left alone, never moved aside), and `UnreadableLayoutError` for a file that
 * is no version of ours.
 */
export function migrate(file: unknown, context: MigrationContext): { value: unknown; from: number } {
  const from = detectVersion(file)
  if (from > CURRENT_VERSION) {
    throw new RegistryError(
      'newer-version',
      `The account list was written by a newer version of Latchkey (format ${from}; this one reads up to ${CURRENT_VERSION}). Update Latchkey to use it; it was left untouched.`,
    )
  }
  let value = file
  for (let version = from; version < CURRENT_VERSION; version++) {
    const step = migrations[version]
    if (!step) throw new UnreadableLayoutError(`no migration from version ${version}`)
    value = step(value, context)
  }
  return { value, from }
}
