// What the devices view says about each device and about the account as a whole (issue 11):
// plain words for types, sources and verification, and the counts behind the summary's buttons.
// Pure functions over the contract's Device, so they are cheap over 10,000 rows and testable.
import type { Device, DeviceType, FactSource } from '../../../shared/contract'
import { isInactive } from './devices'

export interface Summary {
  unverified: number
  inactive: number
  new: number
  unknown: number
}

/** The other devices' counts (Latchkey's own session is never a recommendation). */
export function summarise(devices: readonly Device[], now: number): Summary {
  const s: Summary = { unverified: 0, inactive: 0, new: 0, unknown: 0 }
  for (const d of devices) {
    if (d.current) continue
    const state = d.verification?.state
    if (state === 'unverified') s.unverified++
    else if (state === 'unknown') s.unknown++
    if (d.new) s.new++
    if (isInactive(d, now)) s.inactive++
  }
  return s
}

export const TYPE_LABEL: Record<DeviceType, string> = {
  desktop: 'Desktop app',
  mobile: 'Phone or tablet',
  web: 'Web browser',
  'cli-bot': 'Script or bot',
  unknown: 'Unknown kind of device',
}

export const SOURCE_LABEL: Record<FactSource, string> = {
  'client-information': 'what the app published about itself',
  'user-agent': 'the app’s user agent, as the server last saw it',
  'display-name': 'the device’s name',
}

export const VERIFICATION_LABEL = {
  verified: 'Verified',
  unverified: 'Not verified',
  'no-encryption': 'No encryption',
  unknown: 'Could not check',
} as const

/** "Element X 25.04.0 on Android", "Firefox 133 on Windows 10", else what is known. */
export function describeDevice(d: Device): string | undefined {
  const client = d.client ? [d.client.name, d.client.version].filter(Boolean).join(' ') : undefined
  if (client && d.os && !client.includes(d.os)) return `${client} on ${d.os}`
  return client ?? d.os
}

/** An ed25519 key in groups of four, as Element shows it, so two screens can be compared by eye. */
export function formatFingerprint(key: string): string {
  return key.match(/.{1,4}/g)?.join(' ') ?? key
}
