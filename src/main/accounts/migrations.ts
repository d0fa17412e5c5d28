/**
 * Older layouts of accounts.json and how each becomes the next. A migration is a pure function
 * from one version's JSON to the next version's JSON; the registry runs the chain under its lock
 * and writes the result straight back, so the ids a migration assigns are stable from then on.
 *
 * Version 0 is the prototype's layout: a bare JSON array of accounts, with no ids, order, status
 * or active account beyond an `active: true` flag on one entry.
 */
import { z } from 'zod'
import { RegistryError } from './errors'
import { CURRENT_VERSION } from './schema'

export interface MigrationContext {
  now: Date
  newId: () => string
}

type Migration = (file: unknown, context: MigrationContext) => unknown

/** Thrown when a file cannot be understood at all; the registry moves such a file aside. */
export class UnreadableLayoutError extends Error {}

const v0Account = z.object({
  userId: z.string().regex(/^@[^:]+:.+$/),
  homeserverUrl: z.string(),
  deviceId: z.string(),
  displayName: z.string().optional(),
  label: z.string().optional(),
  active: z.boolean().optional(),
  addedAt: z.string().optional(),
})

const v0ToV1: Migration = (file, { now, newId }) => {
  const parsed = z.array(v0Account).safeParse(file)
  if (!parsed.success) throw new UnreadableLayoutError('a version-0 account list with entries that are not accounts')
  const accounts = parsed.data.map((entry, index) => {
    const { active: _active, userId, addedAt, ...rest } = entry
    return {
      ...rest,
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
  const activeIndex = parsed.data.findIndex((entry) => entry.active === true)
  return {
    version: 1,
    activeId: activeIndex >= 0 ? accounts[activeIndex]!.id : null,
    accounts,
  }
}

/** `migrations[n]` turns version n into version n + 1. */
const migrations: Record<number, Migration> = {
  0: v0ToV1,
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
