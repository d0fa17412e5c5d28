import type { HomeserverConfig } from './config'
import type { Reply } from './reply'
import type { AccessToken, HomeserverState, User } from './state'
import type { OAuthIssuer } from './oauth/issuer'
import type { EndpointName } from './types'

export interface Homeserver {
  readonly config: HomeserverConfig
  readonly state: HomeserverState
  /** http://127.0.0.1:<port>, no trailing slash. */
  readonly baseUrl: string
  /** OAuth mode: the issuer (null otherwise). */
  readonly oauth: OAuthIssuer | null
}

export interface RequestContext {
  hs: Homeserver
  method: string
  path: string
  /** The client API version prefix the request used: 'r0', 'v3', 'v1', or '' outside /_matrix/client/<v>/. */
  prefix: string
  params: Record<string, string>
  query: URLSearchParams
  /** The JSON object body ({} when the request had none). */
  body: Record<string, unknown>
  /** Form fields of an application/x-www-form-urlencoded body (the HTML pages post these). */
  form: URLSearchParams
  auth?: { user: User; token: AccessToken }
  ip: string
  /** The request's User-Agent header, if any. */
  userAgent?: string
}

export type AuthMode = 'required' | 'optional' | 'none'

/** 'json': a JSON object body is required, an empty body counts as {}. 'form': HTML form posts. */
export type BodyMode = 'none' | 'json' | 'form'

export interface Route {
  endpoint: EndpointName
  method: string
  /** Which URL space the path lives in. */
  space: 'client' | 'client-v1' | 'client-v3-only' | 'root' | 'media-legacy'
  /** Path after the version prefix, with :name parameters (e.g. '/devices/:deviceId'). */
  path: string
  auth: AuthMode
  body: BodyMode
  handle(ctx: RequestContext): Reply | Promise<Reply>
}

/** The authenticated user and token; only called by handlers whose route has auth 'required'. */
export function authOf(ctx: RequestContext): { user: User; token: AccessToken } {
  if (!ctx.auth) throw new Error('route declared auth required but no auth resolved')
  return ctx.auth
}
