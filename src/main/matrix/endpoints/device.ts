// The device object shared by GET /devices and GET /devices/{deviceId}.

import { count, nonEmptyString, object, optional, string, type Check } from '../validate'

export interface Device {
  deviceId: string
  displayName?: string
  lastSeenIp?: string
  /** Milliseconds since the epoch. */
  lastSeenTs?: number
}

const shape = object({
  device_id: nonEmptyString,
  display_name: optional(string),
  last_seen_ip: optional(string),
  last_seen_ts: optional(count),
})

export const device: Check<Device> = (value, path) => {
  const d = shape(value, path)
  const out: Device = { deviceId: d.device_id }
  if (d.display_name !== undefined) out.displayName = d.display_name
  if (d.last_seen_ip !== undefined) out.lastSeenIp = d.last_seen_ip
  if (d.last_seen_ts !== undefined) out.lastSeenTs = d.last_seen_ts
  return out
}
