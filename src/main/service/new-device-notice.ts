/**
 * The words of the desktop notification for a new sign-in (issue 11 §6): "New sign-in to
 * @alice:example.org" — "Element X on Android, 2 minutes ago". The Electron shell shows it; the
 * e2e harness records it; both build it here so they cannot drift apart.
 */
import type { Device, EventPayload } from '../../shared/contract'

export interface NewDeviceNotice {
  title: string
  body: string
  /** What clicking it opens: the account's first new device. */
  accountId: string
  deviceId: string
}

function what(d: Device): string {
  const client = d.client?.name
  if (client && d.os && !client.includes(d.os)) return `${client} on ${d.os}`
  return client ?? d.os ?? d.displayName ?? `a device (${d.deviceId})`
}

function ago(ts: number | undefined, now: number): string | undefined {
  if (ts === undefined) return undefined
  const minutes = Math.round((now - ts) / 60_000)
  if (minutes < 1) return 'just now'
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`
  const hours = Math.round(minutes / 60)
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'} ago`
  return `${Math.round(hours / 24)} days ago`
}

export function newDeviceNotice(payload: EventPayload<'newDevices'>, now = Date.now()): NewDeviceNotice | null {
  const [first, ...rest] = payload.devices
  if (!first) return null
  const when = ago(first.lastSeenTs, now)
  const body =
    rest.length === 0
      ? `${what(first)}${when ? `, ${when}` : ''}`
      : `${what(first)} and ${rest.length} more new session${rest.length === 1 ? '' : 's'}`
  return { title: `New sign-in to ${payload.userId}`, body, accountId: payload.accountId, deviceId: first.deviceId }
}
