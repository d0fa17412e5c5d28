import { defineEndpoint, r0AndV3, SPEC } from '../endpoint'
import { jsonObject } from '../validate'

/** Updates the metadata on the given device. */
export const updateDevice = defineEndpoint({
  name: 'updateDevice',
  summary: 'Update a device',
  spec: `${SPEC}#put_matrixclientv3devicesdeviceid`,
  label: 'the device rename',
  method: 'PUT',
  history: r0AndV3('/devices/{deviceId}'),
  auth: 'required',
  rateLimited: false,
  sentences: { M_NOT_FOUND: 'There is no such device on {host}.' },
  request: (p: { deviceId: string; displayName?: string }) => ({
    path: { deviceId: p.deviceId },
    body: p.displayName === undefined ? {} : { display_name: p.displayName },
  }),
  response: { kind: 'json', parse: (body): void => void jsonObject(body, '') },
})
