import { defineEndpoint, r0AndV3, SPEC } from '../endpoint'
import { jsonObject } from '../validate'

/** Invalidates a user access token. The device associated with the access token is also deleted. */
export const logout = defineEndpoint({
  name: 'logout',
  summary: 'Invalidates a user access token',
  spec: `${SPEC}#post_matrixclientv3logout`,
  label: 'the sign-out',
  method: 'POST',
  history: r0AndV3('/logout'),
  auth: 'required',
  rateLimited: false,
  // The spec lists /logout among the endpoints that take an empty body.
  request: (_params: void) => ({}),
  response: { kind: 'json', parse: (body): void => void jsonObject(body, '') },
})
