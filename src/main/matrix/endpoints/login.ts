import { defineEndpoint, r0AndV3, SPEC } from '../endpoint'
import { count, deviceId, jsonObject, nonEmptyString, object, optional, userId } from '../validate'

export type UserIdentifier =
  | { kind: 'user'; user: string }
  | { kind: 'email'; address: string }
  | { kind: 'phone'; country: string; phone: string }

export type LoginMethod =
  | { type: 'password'; identifier: UserIdentifier; password: string }
  | { type: 'token'; token: string }

export type LoginParams = LoginMethod & {
  /** Reuse this device (after a soft logout) instead of creating one. */
  deviceId?: string
  initialDeviceDisplayName?: string
  /** Ask for a refresh token (spec v1.3). */
  refreshToken?: boolean
  /** Also send the deprecated top-level `user` / `medium` + `address` fields, for r0 servers. */
  legacyFields?: boolean
}

export interface LoginResponse {
  userId: string
  deviceId: string
  accessToken: string
  refreshToken?: string
  expiresInMs?: number
  /** `well_known` from the response: the server asks the client to use this base URL. */
  wellKnownBaseUrl?: string
}

function identifierBody(id: UserIdentifier): Record<string, unknown> {
  switch (id.kind) {
    case 'user':
      return { type: 'm.id.user', user: id.user }
    case 'email':
      return { type: 'm.id.thirdparty', medium: 'email', address: id.address }
    case 'phone':
      return { type: 'm.id.phone', country: id.country, phone: id.phone }
  }
}

/** The fields r0 servers read before `identifier` existed; there is none for phone numbers. */
function legacyIdentifierFields(id: UserIdentifier): Record<string, unknown> {
  if (id.kind === 'user') return { user: id.user }
  if (id.kind === 'email') return { medium: 'email', address: id.address }
  return {}
}

/** Longer base URLs are not followed: the account list keeps at most this many characters. */
const MAX_BASE_URL = 2048

/** Authenticates the user, and issues an access token they can use to authorise themself in subsequent requests. */
export const login = defineEndpoint({
  name: 'login',
  summary: 'Authenticates the user.',
  spec: `${SPEC}#post_matrixclientv3login`,
  label: 'the sign-in',
  method: 'POST',
  history: r0AndV3('/login'),
  auth: 'none',
  rateLimited: true,
  sentences: {
    M_USER_DEACTIVATED: 'This account on {host} has been deactivated.',
    M_FORBIDDEN: '{host} refused the sign-in: the details were not accepted.',
    unsupported: '{host} does not offer password or token sign-in to apps (it uses OAuth 2.0).',
  },
  request: (p: LoginParams) => {
    const body: Record<string, unknown> =
      p.type === 'password'
        ? {
            type: 'm.login.password',
            identifier: identifierBody(p.identifier),
            ...(p.legacyFields ? legacyIdentifierFields(p.identifier) : {}),
            password: p.password,
          }
        : { type: 'm.login.token', token: p.token }
    if (p.deviceId !== undefined) body.device_id = p.deviceId
    if (p.initialDeviceDisplayName !== undefined) body.initial_device_display_name = p.initialDeviceDisplayName
    if (p.refreshToken) body.refresh_token = true
    return { body }
  },
  secrets: (p: LoginParams) => [p.type === 'password' ? p.password : p.token],
  response: {
    kind: 'json',
    parse: (body): LoginResponse => {
      const r = object({
        user_id: userId,
        access_token: nonEmptyString,
        device_id: deviceId,
        refresh_token: optional(nonEmptyString),
        expires_in_ms: optional(count),
        well_known: optional(jsonObject),
      })(body, '')
      const out: LoginResponse = { userId: r.user_id, deviceId: r.device_id, accessToken: r.access_token }
      if (r.refresh_token !== undefined) out.refreshToken = r.refresh_token
      if (r.expires_in_ms !== undefined) out.expiresInMs = r.expires_in_ms
      // A broken well_known must not lose a session the server has already created: ignore it.
      const hs = r.well_known?.['m.homeserver']
      if (typeof hs === 'object' && hs !== null && !Array.isArray(hs)) {
        const base = (hs as Record<string, unknown>).base_url
        if (typeof base === 'string' && base.length <= MAX_BASE_URL && URL.canParse(base)) out.wellKnownBaseUrl = base
      }
      return out
    },
  },
})

