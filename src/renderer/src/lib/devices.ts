import type { Device } from '../../../shared/contract'

export const INACTIVE_AFTER_MS = 90 * 24 * 3600_000

/** 'all', by activity, or (issue 11) by verification or newness. */
export type DeviceFilter = 'all' | 'active' | 'inactive' | 'verified' | 'unverified' | 'no-encryption' | 'unknown' | 'new'

function byFilter(d: Device, filter: DeviceFilter, now: number): boolean {
  switch (filter) {
    case 'all':
      return true
    case 'active':
    case 'inactive':
      return isInactive(d, now) === (filter === 'inactive')
    case 'new':
      return d.new === true
    default:
      return d.verification?.state === filter
  }
}

export function isInactive(device: Device, now: number): boolean {
  return device.lastSeenTs !== undefined && now - device.lastSeenTs >= INACTIVE_AFTER_MS
}

const sorted = new WeakMap<readonly Device[], Device[]>()

/**
 * The other devices, most recently seen first; never-seen ones last, then by id for stability.
 * Lists from main are replaced, never mutated, so a sorted copy is kept per list: reopening the
 * view over 10,000 devices does not sort them again.
 */
export function sortOthers(devices: readonly Device[]): Device[] {
  let others = sorted.get(devices)
  if (!others) {
    others = devices
      .filter((d) => !d.current)
      .sort(
        (a, b) =>
          (b.lastSeenTs ?? -Infinity) - (a.lastSeenTs ?? -Infinity) ||
          (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0),
      )
    sorted.set(devices, others)
  }
  return others
}

const haystacks = new WeakMap<Device, string>()

function haystack(device: Device): string {
  let text = haystacks.get(device)
  if (text === undefined) {
    text = `${device.displayName ?? ''}\n${device.deviceId}\n${device.lastSeenIp ?? ''}\n${device.client?.name ?? ''}\n${device.os ?? ''}`.toLowerCase()
    haystacks.set(device, text)
  }
  return text
}

/** Search matches the name, the device id or the IP address, case-insensitively. */
export function filterDevices(
  devices: readonly Device[],
  query: string,
  filter: DeviceFilter,
  now: number,
): Device[] {
  const needle = query.trim().toLowerCase()
  if (needle === '' && filter === 'all') return devices as Device[]
  return devices.filter(
    (d) =>
      byFilter(d, filter, now) &&
      (needle === '' || haystack(d).includes(needle)),
  )
}
