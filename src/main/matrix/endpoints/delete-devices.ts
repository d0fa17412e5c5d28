import { defineEndpoint, r0AndV3, SPEC } from '../endpoint'
import type { AuthDict } from '../uia-state'
import { jsonObject } from '../validate'

/** Deletes the given devices, and invalidates any access token associated with them. Uses UIA. */
export const deleteDevices = defineEndpoint({
  name: 'deleteDevices',
  summary: 'Bulk deletion of devices',
  spec: `${SPEC}#post_matrixclientv3delete_devices`,
  label: 'the sign-out of several devices',
  method: 'POST',
  history: r0AndV3('/delete_devices'),
  auth: 'required',
  rateLimited: false,
  uia: true,
  sentences: { unsupported: '{host} does not let apps sign devices out; use its account page instead.' },
  request: (p: { deviceIds: readonly string[]; auth?: AuthDict }) => ({
    body: p.auth ? { devices: p.deviceIds, auth: p.auth } : { devices: p.deviceIds },
  }),
  secrets: (p: { auth?: AuthDict }) => [typeof p.auth?.password === 'string' ? p.auth.password : undefined],
  response: { kind: 'json', parse: (body): void => void jsonObject(body, '') },
})
