import { authOf, type RequestContext, type Route } from '../context'
import { fail, matrixError, ok, unrecognized, type Reply } from '../reply'
import type { Device } from '../state'
import type { UserAgentStyle } from '../types'
import { requireUia } from '../uia'

// Device management (spec: "Device management"). MAS answers 404 M_UNRECOGNIZED to deletion: its
// devices are ended in the account management page.

function deviceJson(device: Device, userAgents: UserAgentStyle): Record<string, unknown> {
  const json: Record<string, unknown> = { device_id: device.deviceId }
  if (device.displayName !== undefined) json['display_name'] = device.displayName
  if (device.lastSeenIp !== undefined) json['last_seen_ip'] = device.lastSeenIp
  if (device.lastSeenTs !== undefined) json['last_seen_ts'] = device.lastSeenTs
  // MSC3852: Synapse sends only the unstable name, and only with the feature on.
  if (device.userAgent !== undefined && userAgents !== 'none') {
    json[userAgents === 'stable' ? 'last_seen_user_agent' : 'org.matrix.msc3852.last_seen_user_agent'] = device.userAgent
  }
  return json
}

function ownDevice(ctx: RequestContext): Device {
  const device = authOf(ctx).user.devices.get(ctx.params['deviceId'] ?? '')
  if (!device) fail(404, 'M_NOT_FOUND', 'Unknown device.')
  return device
}

function updateDevice(ctx: RequestContext): Reply {
  const device = ownDevice(ctx)
  const name = ctx.body['display_name']
  if (name !== undefined && typeof name !== 'string') fail(400, 'M_BAD_JSON', '"display_name" must be a string.')
  if (name !== undefined) device.displayName = name
  return ok({})
}

function deleteDevice(ctx: RequestContext): Reply {
  if (ctx.hs.config.mas) return unrecognized('Devices are managed in the account management page of this homeserver.')
  const deviceId = ctx.params['deviceId'] ?? ''
  requireUia(ctx, `deleteDevice:${deviceId}`)
  const { user } = authOf(ctx)
  // Deleting an unknown device answers 200: "or had been removed previously".
  ctx.hs.state.deleteDevice(user, deviceId)
  return ok({})
}

function deleteDevices(ctx: RequestContext): Reply {
  if (ctx.hs.config.mas) return unrecognized('Devices are managed in the account management page of this homeserver.')
  const devices = ctx.body['devices']
  if (devices === undefined) return matrixError(400, 'M_MISSING_PARAM', '"devices" is required.')
  if (!Array.isArray(devices) || !devices.every((d): d is string => typeof d === 'string')) {
    return matrixError(400, 'M_BAD_JSON', '"devices" must be a list of device ids.')
  }
  requireUia(ctx, `deleteDevices:${JSON.stringify(devices)}`)
  const { user } = authOf(ctx)
  for (const deviceId of devices) ctx.hs.state.deleteDevice(user, deviceId)
  return ok({})
}

export const deviceRoutes: Route[] = [
  {
    endpoint: 'devices', method: 'GET', space: 'client', path: '/devices', auth: 'required', body: 'none',
    handle: (ctx) => ok({ devices: [...authOf(ctx).user.devices.values()].map((d) => deviceJson(d, ctx.hs.config.userAgents)) }),
  },
  {
    endpoint: 'getDevice', method: 'GET', space: 'client', path: '/devices/:deviceId', auth: 'required', body: 'none',
    handle: (ctx) => ok(deviceJson(ownDevice(ctx), ctx.hs.config.userAgents)),
  },
  { endpoint: 'updateDevice', method: 'PUT', space: 'client', path: '/devices/:deviceId', auth: 'required', body: 'json', handle: updateDevice },
  { endpoint: 'deleteDevice', method: 'DELETE', space: 'client', path: '/devices/:deviceId', auth: 'required', body: 'json', handle: deleteDevice },
  { endpoint: 'deleteDevices', method: 'POST', space: 'client', path: '/delete_devices', auth: 'required', body: 'json', handle: deleteDevices },
]
