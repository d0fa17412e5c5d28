import { defineEndpoint, r0AndV3, SPEC } from '../endpoint'
import { arrayOf, object, optional } from '../validate'
import { device, type Device } from './device'

/** Gets information about all devices for the current user. */
export const devices = defineEndpoint({
  name: 'devices',
  summary: 'List registered devices for the current user',
  spec: `${SPEC}#get_matrixclientv3devices`,
  label: 'the device list request',
  method: 'GET',
  history: r0AndV3('/devices'),
  auth: 'required',
  rateLimited: false,
  request: (_params: void) => ({}),
  response: {
    kind: 'json',
    parse: (body): Device[] => object({ devices: optional(arrayOf(device)) })(body, '').devices ?? [],
  },
})
