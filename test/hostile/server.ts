/**
 * A small hostile homeserver on 127.0.0.1 for the trust tests (issue 9 §2, §4): it signs anyone
 * in as whatever user id and device id it is told to claim, and answers each server name's
 * well-known file as told — naming another homeserver, 404, not JSON, no base_url, or never.
 *
 * Server names reach it through the transport's test resolver (`resolve`), so "matrix.org" or
 * "example.org" can be asked here without leaving the machine. It records every request, so a
 * test can tell whether a password or a logout reached it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ResolveForTests } from '../../src/main/matrix'

/** How a server name's /.well-known/matrix/client answers. */
export type WellKnownAnswer =
  | { baseUrl: string }
  | { status: number }
  | { raw: string }
  | { json: unknown }
  /** Holds the request open: the client's timeout decides. */
  | 'hang'

export interface HostileOptions {
  /** By host name (the Host header, without port); a name not listed answers 404. */
  wellKnown?: Record<string, WellKnownAnswer>
  /** What POST /login answers: any user id and device id, and optionally a `well_known`. */
  login?: { userId: string; deviceId?: string; wellKnownBaseUrl?: string }
}

export interface HostileRequest {
  method: string
  path: string
  host: string
  body: unknown
}

export interface HostileServer {
  /** http://127.0.0.1:<port> */
  url: string
  port: number
  requests: HostileRequest[]
  /** Changes the answers from now on. */
  set(options: HostileOptions): void
  /** The requests that reached one path (e.g. '/_matrix/client/v3/login'). */
  requestsTo(path: string, method?: string): HostileRequest[]
  close(): Promise<void>
}

const VERSIONS = { versions: ['v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11'], unstable_features: {} }

export async function startHostileServer(initial: HostileOptions = {}): Promise<HostileServer> {
  let options = initial
  const requests: HostileRequest[] = []
  const hanging = new Set<ServerResponse>()
  let sessions = 0

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const url = new URL(req.url ?? '/', 'http://x')
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase()
    let body: unknown = raw
    try {
      body = raw === '' ? undefined : JSON.parse(raw)
    } catch {
      // Kept as text.
    }
    requests.push({ method: req.method ?? 'GET', path: url.pathname, host, body })
    const route = `${req.method} ${url.pathname}`

    if (route === 'GET /.well-known/matrix/client') {
      const answer = options.wellKnown?.[host]
      if (answer === undefined) return json(res, 404, { errcode: 'M_NOT_FOUND', error: 'Nothing here.' })
      if (answer === 'hang') return void hanging.add(res)
      if ('baseUrl' in answer) return json(res, 200, { 'm.homeserver': { base_url: answer.baseUrl } })
      if ('status' in answer) return json(res, answer.status, { errcode: 'M_UNKNOWN', error: 'No.' })
      if ('raw' in answer) {
        res.writeHead(200, { 'content-type': 'text/html' })
        return void res.end(answer.raw)
      }
      return json(res, 200, answer.json)
    }
    if (route === 'GET /_matrix/client/versions') return json(res, 200, VERSIONS)
    if (route === 'GET /_matrix/client/v3/login') {
      return json(res, 200, { flows: [{ type: 'm.login.password' }, { type: 'm.login.token' }] })
    }
    if (route === 'POST /_matrix/client/v3/login') {
      const login = options.login
      if (!login) return json(res, 403, { errcode: 'M_FORBIDDEN', error: 'No.' })
      sessions++
      return json(res, 200, {
        user_id: login.userId,
        device_id: login.deviceId ?? `HOSTILE${sessions}`,
        access_token: `hostile_access_${sessions}`,
        ...(login.wellKnownBaseUrl === undefined ? {} : { well_known: { 'm.homeserver': { base_url: login.wellKnownBaseUrl } } }),
      })
    }
    if (route === 'POST /_matrix/client/v3/logout') return json(res, 200, {})
    return json(res, 404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' })
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    set: (next) => void (options = next),
    requestsTo: (path, method) => requests.filter((r) => r.path === path && (method === undefined || r.method === method)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * The transport's test resolver: each listed host name connects to a loopback port instead
 * (plain http), so `https://example.org/...` reaches a server of the test's.
 */
export function resolverFor(hosts: Record<string, number>): ResolveForTests {
  return (hostname) => {
    const port = hosts[hostname.toLowerCase()]
    return port === undefined ? undefined : { address: '127.0.0.1', port }
  }
}

/** A loopback port nothing listens on (for "connection refused"). */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
