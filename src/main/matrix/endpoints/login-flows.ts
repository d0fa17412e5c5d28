import { defineEndpoint, r0AndV3, SPEC } from '../endpoint'
import { boolean, lenientArrayOf, object, optional, string } from '../validate'

export interface IdentityProvider {
  id: string
  name: string
  /** mxc:// URI of an icon. */
  icon?: string
  /** A UI hint such as "github" (matrix-spec informal/idp-brands.md). */
  brand?: string
}

export interface LoginFlow {
  type: string
  /** On m.login.token: the server offers POST /login/get_token. */
  getLoginToken?: boolean
  /** On m.login.sso. */
  identityProviders?: IdentityProvider[]
  /** On m.login.sso: an OAuth 2.0 aware client must offer only this flow. */
  oauthAwarePreferred?: boolean
}

const identityProvider = object({ id: string, name: string, icon: optional(string), brand: optional(string) })

const flow = object({
  type: string,
  get_login_token: optional(boolean),
  identity_providers: optional(lenientArrayOf(identityProvider)),
  oauth_aware_preferred: optional(boolean),
})

/** Get the supported login types to authenticate users. */
export const loginFlows = defineEndpoint({
  name: 'loginFlows',
  summary: 'Get the supported login types to authenticate users',
  spec: `${SPEC}#get_matrixclientv3login`,
  label: 'the sign-in methods request',
  method: 'GET',
  history: r0AndV3('/login'),
  auth: 'none',
  rateLimited: true,
  sentences: { unsupported: '{host} does not offer the legacy sign-in API (it uses OAuth 2.0).' },
  request: (_params: void) => ({}),
  response: {
    kind: 'json',
    parse: (body): LoginFlow[] => {
      // Flows we cannot read are skipped: a server may list types from the future.
      const { flows } = object({ flows: optional(lenientArrayOf(flow)) })(body, '')
      return (flows ?? []).map((f) => {
        const out: LoginFlow = { type: f.type }
        if (f.get_login_token !== undefined) out.getLoginToken = f.get_login_token
        if (f.identity_providers !== undefined) {
          out.identityProviders = f.identity_providers.map((p) => {
            const idp: IdentityProvider = { id: p.id, name: p.name }
            if (p.icon !== undefined) idp.icon = p.icon
            if (p.brand !== undefined) idp.brand = p.brand
            return idp
          })
        }
        if (f.oauth_aware_preferred !== undefined) out.oauthAwarePreferred = f.oauth_aware_preferred
        return out
      })
    },
  },
})
