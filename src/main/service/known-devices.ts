/**
 * Which devices Latchkey has seen on an account (metadata only, in accounts.json), so that a
 * device it has not seen before can be called New. The devices present at the first look — when
 * an account is added, or when this feature first runs on an existing account — count as seen:
 * no storm of alerts. A device stays New until the person looks at it in the app; the command
 * line reports each one once (`reported`) without clearing that mark.
 */
import type { AccountRecord, KnownDevice } from '../accounts'

export type KnownDevices = Record<string, KnownDevice>

export interface DeviceLook {
  /** The map to store (devices that are gone are dropped, so it stays as large as the list). */
  known: KnownDevices
  /** Devices seen for the first time in this look. */
  appeared: string[]
  /** Whether `known` differs from what the record had. */
  changed: boolean
}

/** What a look at the current device list changes. Pure. */
export function lookAt(previous: KnownDevices | undefined, deviceIds: readonly string[], now: string, ownDeviceId: string): DeviceLook {
  const known: KnownDevices = {}
  const appeared: string[] = []
  const firstLook = previous === undefined
  let changed = firstLook
  for (const id of deviceIds) {
    const before = previous !== undefined && Object.hasOwn(previous, id) ? previous[id] : undefined
    if (before) {
      define(known, id, before)
    } else if (firstLook || id === ownDeviceId) {
      // Latchkey's own session is never news to the person who signed it in.
      define(known, id, { firstSeenAt: now })
      changed = true
    } else {
      define(known, id, { firstSeenAt: now, new: true })
      appeared.push(id)
      changed = true
    }
  }
  if (!changed && previous !== undefined && Object.keys(previous).length !== Object.keys(known).length) changed = true
  return { known, appeared, changed }
}

/**
 * Whether `lookAt` would change anything, without building the map: a look every few minutes at
 * an account whose devices did not change (the usual case) then allocates nothing.
 */
export function lookWouldChange(previous: KnownDevices | undefined, deviceIds: readonly string[]): boolean {
  if (previous === undefined) return true
  for (const id of deviceIds) if (!Object.hasOwn(previous, id)) return true
  // Every id is known: the same devices, unless a known one is no longer listed.
  return new Set(deviceIds).size !== sizeOf(previous)
}

// A list read unchanged is frozen and shared (registry.read), so its maps' sizes are counted once.
const sizes = new WeakMap<KnownDevices, number>()

function sizeOf(known: KnownDevices): number {
  let size = sizes.get(known)
  if (size === undefined) {
    size = Object.keys(known).length
    if (Object.isFrozen(known)) sizes.set(known, size)
  }
  return size
}

/** The same map with these devices no longer New (and no longer waiting to be reported). */
export function markSeen(previous: KnownDevices | undefined, deviceIds: readonly string[]): KnownDevices | undefined {
  if (!previous) return undefined
  let changed = false
  const next: KnownDevices = { ...previous }
  for (const id of deviceIds) {
    const entry = Object.hasOwn(previous, id) ? previous[id] : undefined
    if (entry?.new) {
      define(next, id, { firstSeenAt: entry.firstSeenAt })
      changed = true
    }
  }
  return changed ? next : undefined
}

/** New devices the command line has not reported yet, marked reported in the returned map. */
export function takeUnreported(record: AccountRecord): { ids: string[]; known: KnownDevices } | null {
  const previous = record.knownDevices
  if (!previous) return null
  const ids = Object.keys(previous).filter((id) => previous[id]?.new && !previous[id]?.reported)
  if (ids.length === 0) return null
  const known: KnownDevices = { ...previous }
  for (const id of ids) define(known, id, { ...previous[id]!, reported: true })
  return { ids, known }
}

/** Device ids are server data: `__proto__` must be a key like any other. */
function define(map: KnownDevices, id: string, value: KnownDevice): void {
  Object.defineProperty(map, id, { value, enumerable: true, writable: true, configurable: true })
}
