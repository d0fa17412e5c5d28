// What an endpoint is, as data (ruma's `metadata!`): method, path history, authentication, rate
// limiting, how to build its request from typed params and how to read its answer. The transport
// is the only code that acts on these; adding an endpoint is adding a file to endpoints/.

import type { PathHistory } from './spec-versions'

export type EndpointName =
  | 'wellKnown'
  | 'versions'
  | 'loginFlows'
  | 'login'
  | 'logout'
  | 'logoutAll'
  | 'whoami'
  | 'getLoginToken'
  | 'refresh'
  | 'capabilities'
  | 'devices'
  | 'getDevice'
  | 'updateDevice'
  | 'deleteDevice'
  | 'deleteDevices'
  | 'profile'
  | 'thumbnail'
  | 'authMetadata'
  // issue 10 (OAuth 2.0): discovery before spec v1.15
  | 'authMetadataUnstable'
  | 'authIssuer'
  | 'openIdConfiguration'
  // issue 11: what each device is and whether it is verified
  | 'keysQuery'
  | 'sync'
  | 'setAccountData'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

/** Whether the endpoint takes `Authorization: Bearer`: always, when we have a token, or never. */
export type AuthRequirement = 'required' | 'optional' | 'none'

export interface RequestParts {
  /** Values for the `{name}` placeholders of the path; each is percent-encoded. */
  readonly path?: Readonly<Record<string, string>>
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>
  /** A JSON body; undefined sends none (GET, and POST /logout which takes an empty body). */
  readonly body?: unknown
}

export type ResponseReader<R> =
  /** `raw`: the body's bytes, for a reader that fingerprints the whole answer (keys-query.ts). */
  | { readonly kind: 'json'; readonly parse: (body: unknown, raw: Uint8Array) => R }
  | { readonly kind: 'bytes'; readonly parse: (bytes: Uint8Array, contentType: string) => R }

export interface Endpoint<P, R> {
  readonly name: EndpointName
  /** The spec's summary line. */
  readonly summary: string
  /** Link to the spec section. */
  readonly spec: string
  /** A noun phrase for sentences about this call: "… did not answer {label} within 30 seconds". */
  readonly label: string
  readonly method: HttpMethod
  readonly history: PathHistory
  readonly auth: AuthRequirement
  readonly rateLimited: boolean
  /** Answers 401 with UIA flows until authentication is complete. */
  readonly uia?: boolean
  /** The path is on the server name's origin, not the base URL, and is not versioned. */
  readonly unversioned?: boolean
  /** Follow 30x redirects (GETs only: the well-known file and media may be elsewhere). */
  readonly followRedirects?: boolean
  readonly request: (params: P) => RequestParts
  readonly response: ResponseReader<R>
  /**
   * Sentences for this endpoint's documented errors, by errcode, or 'unsupported' for a server
   * that does not offer the endpoint. `{host}` is replaced by the server's host.
   */
  readonly sentences?: Readonly<Record<string, string>>
  /** Secrets the request carries besides the access token (passwords, refresh and login tokens). */
  readonly secrets?: (params: P) => readonly (string | undefined)[]
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEndpoint = Endpoint<any, any>

export function defineEndpoint<P, R>(endpoint: Endpoint<P, R>): Endpoint<P, R> {
  return Object.freeze(endpoint)
}

/** r0 and v3 paths of an endpoint that has existed since r0 under the client prefix. */
export function r0AndV3(path: string): PathHistory {
  return { stable: { '1.0': `/_matrix/client/r0${path}`, '1.1': `/_matrix/client/v3${path}` } }
}

export const SPEC = 'https://spec.matrix.org/latest/client-server-api/'
