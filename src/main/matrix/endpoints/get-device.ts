import { defineEndpoint, r0AndV3, SPEC } from '../endpoint'
import { device, type Device } from './device'

/** Gets information on a single device, by device id. */
export const getDevice = defineEndpoint({
  name: 'getDevice',
  summary: 'Get a single device',
  spec: `${SPEC}#get_matrixclientv3devicesdeviceid`,
  label: 'the device details request',
  method: 'GET',
  history: r0AndV3('/devices/{deviceId}'),
  auth: 'required',
  rateLimited: false,
  sentences: { M_NOT_FOUND: 'There is no such device on {host}.' },
  request: (p: { deviceId: string }) => ({ path: { deviceId: p.deviceId } }),
  response: { kind: 'json', parse: (body): Device => device(body, '') },
})
