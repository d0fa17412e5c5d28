import { defineEndpoint, r0AndV3, SPEC } from '../endpoint'
import { boolean, nonEmptyString, object, optional, userId } from '../validate'

export interface WhoAmI {
  userId: string
  /** Absent only for tokens without a device (application services). */
  deviceId?: string
  isGuest: boolean
}

/** Gets information about the owner of an access token. */
export const whoami = defineEndpoint({
  name: 'whoami',
  summary: 'Gets information about the owner of an access token.',
  spec: `${SPEC}#get_matrixclientv3accountwhoami`,
  label: 'the session check',
  method: 'GET',
  history: r0AndV3('/account/whoami'),
  auth: 'required',
  rateLimited: true,
  request: (_params: void) => ({}),
  response: {
    kind: 'json',
    parse: (body): WhoAmI => {
      const r = object({ user_id: userId, device_id: optional(nonEmptyString), is_guest: optional(boolean) })(body, '')
      const out: WhoAmI = { userId: r.user_id, isGuest: r.is_guest ?? false }
      if (r.device_id !== undefined) out.deviceId = r.device_id
      return out
    },
  },
})
