import { defineEndpoint, r0AndV3, SPEC } from '../endpoint'
import type { AuthDict } from '../uia-state'
import { jsonObject } from '../validate'

/**
 * Deletes the given device, and invalidates any access token associated with it.
 * Uses User-Interactive Authentication. Servers run by MAS answer 404 M_UNRECOGNIZED: devices
 * are ended on the account management page there.
 */
export const deleteDevice = defineEndpoint({
  name: 'deleteDevice',
  summary: 'Delete a device',
  spec: `${SPEC}#delete_matrixclientv3devicesdeviceid`,
  label: 'the device sign-out',
  method: 'DELETE',
  history: r0AndV3('/devices/{deviceId}'),
  auth: 'required',
  rateLimited: false,
  uia: true,
  sentences: { unsupported: '{host} does not let apps sign devices out; use its account page instead.' },
  request: (p: { deviceId: string; auth?: AuthDict }) => ({
    path: { deviceId: p.deviceId },
    body: p.auth ? { auth: p.auth } : {},
  }),
  secrets: (p: { auth?: AuthDict }) => [typeof p.auth?.password === 'string' ? p.auth.password : undefined],
  response: { kind: 'json', parse: (body): void => void jsonObject(body, '') },
})
