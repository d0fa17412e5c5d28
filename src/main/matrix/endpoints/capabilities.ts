import { defineEndpoint, r0AndV3, SPEC } from '../endpoint'
import { isPlainObject, jsonObject, object } from '../validate'

export interface Capabilities {
  /** `m.get_login_token`: the user may make login tokens. Absent means no (spec). */
  getLoginToken: boolean
  /** Every capability as the server sent it. */
  raw: Record<string, unknown>
}

/** Gets information about the server's supported feature set and other relevant capabilities. */
export const capabilities = defineEndpoint({
  name: 'capabilities',
  summary: "Gets information about the server's supported feature set and other relevant capabilities.",
  spec: `${SPEC}#get_matrixclientv3capabilities`,
  label: 'the capabilities request',
  method: 'GET',
  history: r0AndV3('/capabilities'),
  auth: 'required',
  rateLimited: true,
  request: (_params: void) => ({}),
  response: {
    kind: 'json',
    parse: (body): Capabilities => {
      const { capabilities: raw } = object({ capabilities: jsonObject })(body, '')
      const flag = raw['m.get_login_token']
      return { getLoginToken: isPlainObject(flag) && flag.enabled === true, raw }
    },
  },
})
