import { defineEndpoint, SPEC } from '../endpoint'
import type { ServerVersions } from '../spec-versions'
import { arrayOf, isPlainObject, object, optional, string, jsonObject } from '../validate'

/** Gets the versions of the specification supported by the server. */
export const versions = defineEndpoint({
  name: 'versions',
  summary: 'Gets the versions of the specification supported by the server.',
  spec: `${SPEC}#get_matrixclientversions`,
  label: 'the version check',
  method: 'GET',
  history: { stable: { '1.0': '/_matrix/client/versions' } },
  // Since v1.10 a server may list more unstable features to an authenticated user.
  auth: 'optional',
  rateLimited: false,
  unversioned: true,
  request: (_params: void) => ({}),
  response: {
    kind: 'json',
    parse: (body): ServerVersions => {
      const v = object({ versions: arrayOf(string), unstable_features: optional(jsonObject) })(body, '')
      // A flag that is not a boolean means nothing; dropping it beats refusing the whole server.
      const unstableFeatures: Record<string, boolean> = {}
      if (isPlainObject(v.unstable_features)) {
        for (const [k, flag] of Object.entries(v.unstable_features)) {
          if (typeof flag === 'boolean') Object.defineProperty(unstableFeatures, k, { value: flag, enumerable: true })
        }
      }
      return { versions: v.versions, unstableFeatures }
    },
  },
})
