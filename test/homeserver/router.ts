import type { HomeserverConfig } from './config'
import type { Route } from './context'

// Maps a request path to a route. The spec's path history decides what answers: an r0-only server
// answers /_matrix/client/r0/..., any newer one /_matrix/client/v3/... (and /v1/... for endpoints
// born in v1); the other prefixes answer 404 M_UNRECOGNIZED like an unknown endpoint.

interface Compiled {
  route: Route
  regex: RegExp
  names: string[]
}

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string>; prefix: string }
  | { kind: 'wrong-method' }
  | { kind: 'bad-path' }
  | { kind: 'not-found' }

const CLIENT = /^\/_matrix\/client\/(r0|v3|v1)(\/.*)$/
const LEGACY_MEDIA = /^\/_matrix\/media\/r0(\/.*)$/

function compile(route: Route): Compiled {
  const names: string[] = []
  const source = route.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      names.push(segment.slice(1))
      return '([^/]+)'
    })
    .join('/')
  return { route, regex: new RegExp(`^${source}$`), names }
}

export class Router {
  private readonly compiled: Compiled[]

  constructor(routes: Route[], private readonly config: HomeserverConfig) {
    this.compiled = routes.map(compile)
  }

  match(method: string, pathname: string): RouteMatch {
    let rest = pathname
    let prefix = ''
    let spaces: Array<Route['space']> = ['root']
    const client = CLIENT.exec(pathname)
    const media = LEGACY_MEDIA.exec(pathname)
    if (client) {
      prefix = client[1]!
      rest = client[2]!
      if (this.config.r0Only) spaces = prefix === 'r0' ? ['client'] : []
      else spaces = prefix === 'v3' ? ['client', 'client-v3-only'] : prefix === 'v1' ? ['client-v1'] : []
    } else if (media && this.config.r0Only) {
      prefix = 'r0'
      rest = media[1]!
      spaces = ['media-legacy']
    }
    let pathKnown = false
    for (const candidate of this.compiled) {
      const path = candidate.route.space === 'root' ? pathname : rest
      if (!spaces.includes(candidate.route.space)) continue
      const found = candidate.regex.exec(path)
      if (!found) continue
      pathKnown = true
      if (candidate.route.method !== method) continue
      const params: Record<string, string> = {}
      try {
        candidate.names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1]!)))
      } catch {
        return { kind: 'bad-path' }
      }
      return { kind: 'found', route: candidate.route, params, prefix }
    }
    return pathKnown ? { kind: 'wrong-method' } : { kind: 'not-found' }
  }
}
