import { defineEndpoint, r0AndV3, SPEC } from '../endpoint'
import { jsonObject } from '../validate'

/** Invalidates all access tokens for a user, so that they can no longer be used for authorisation. */
export const logoutAll = defineEndpoint({
  name: 'logoutAll',
  summary: 'Invalidates all access tokens for a user',
  spec: `${SPEC}#post_matrixclientv3logoutall`,
  label: 'the request to sign out every device',
  method: 'POST',
  history: r0AndV3('/logout/all'),
  auth: 'required',
  rateLimited: false,
  sentences: { unsupported: '{host} does not let apps sign out every device; use its account page instead.' },
  // Empty body, as the spec says. MAS answers 404 M_UNRECOGNIZED unless the body carries
  // `io.element.only_compat_is_fine`, and even then ends only its legacy sessions: we do not
  // send it, because "signed out everywhere" must not quietly mean "some of everywhere".
  request: (_params: void) => ({}),
  response: { kind: 'json', parse: (body): void => void jsonObject(body, '') },
})
