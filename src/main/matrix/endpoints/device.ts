// The device object shared by GET /devices and GET /devices/{deviceId}.

import { count, displayText, nonEmptyString, object, optional, type Check } from '../validate'

export interface Device {
  deviceId: string
  displayName?: string
  lastSeenIp?: string
  /** Milliseconds since the epoch. */
  lastSeenTs?: number
  /** `last_seen_user_agent` (MSC3852's stable name), or the unstable `org.matrix.msc3852.last_seen_user_agent`. */
  lastSeenUserAgent?: string
}

const shape = object({
  device_id: nonEmptyString,
  // Shown in lists and terminals: bounded and printable where they enter.
  display_name: optional(displayText(255)),
  last_seen_ip: optional(displayText(100)),
  last_seen_ts: optional(count),
  last_seen_user_agent: optional(displayText(512)),
  'org.matrix.msc3852.last_seen_user_agent': optional(displayText(512)),
})

export const device: Check<Device> = (value, path) => {
  const d = shape(value, path)
  const out: Device = { deviceId: d.device_id }
  if (d.display_name !== undefined) out.displayName = d.display_name
  if (d.last_seen_ip !== undefined) out.lastSeenIp = d.last_seen_ip
  if (d.last_seen_ts !== undefined) out.lastSeenTs = d.last_seen_ts
  const userAgent = d.last_seen_user_agent ?? d['org.matrix.msc3852.last_seen_user_agent']
  if (userAgent !== undefined && userAgent !== '') out.lastSeenUserAgent = userAgent
  return out
}
