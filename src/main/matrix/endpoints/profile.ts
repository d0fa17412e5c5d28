import { defineEndpoint, r0AndV3, SPEC } from '../endpoint'
import { serverText } from '../errors'
import { object, optional } from '../validate'

export interface Profile {
  displayName?: string
  /** mxc:// URI. */
  avatarUrl?: string
  /** `m.tz` (spec v1.16). */
  timeZone?: string
}

/** Get the complete profile for a user. */
export const profile = defineEndpoint({
  name: 'profile',
  summary: 'Get all profile information for a user.',
  spec: `${SPEC}#get_matrixclientv3profileuserid`,
  label: 'the profile request',
  method: 'GET',
  history: r0AndV3('/profile/{userId}'),
  // The spec does not require a token here, but servers may (to limit profile lookups).
  auth: 'optional',
  rateLimited: false,
  sentences: { M_NOT_FOUND: '{host} has no profile for that user.', M_FORBIDDEN: '{host} does not share that profile.' },
  request: (p: { userId: string }) => ({ path: { userId: p.userId } }),
  response: {
    kind: 'json',
    parse: (body): Profile => {
      // A field of the wrong type is treated as absent: a profile is decoration, not state.
      const r = object({ displayname: optional(anything), avatar_url: optional(anything), 'm.tz': optional(anything) })(body, '')
      const out: Profile = {}
      if (typeof r.displayname === 'string') out.displayName = serverText(r.displayname, [], 255)
      if (typeof r.avatar_url === 'string' && r.avatar_url.startsWith('mxc://') && r.avatar_url.length <= 2048) out.avatarUrl = r.avatar_url
      if (typeof r['m.tz'] === 'string') out.timeZone = r['m.tz']
      return out
    },
  },
})

function anything(value: unknown): unknown {
  return value
}

