import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { HomeserverConfig } from './config'
import type { Homeserver, RequestContext, Route } from './context'
import { applyFault, FaultSwitch } from './faults'
import { limitExceeded, matrixError, MatrixReply, type Reply } from './reply'
import { Router } from './router'
import type { OAuthIssuer } from './oauth/issuer'
import { deviceOfScope, grantsApi } from './oauth/scopes'
import type { AccessToken, HomeserverState, TokenLookup } from './state'
import type { EndpointName, RecordedRequest } from './types'

// The HTTP side: reads the request, applies faults and rate limits, resolves the access token,
// parses the body, calls the route, writes the reply and records the exchange. Handlers never see
// a socket, and nothing a client sends can crash the process.

const MAX_BODY_BYTES = 1024 * 1024
// Endpoints a locked account may still call (spec: "Account locking").
const ALLOWED_WHEN_LOCKED = new Set<EndpointName>(['logout', 'logoutAll'])

interface RateLimit {
  remaining: number
  retryAfterMs: number
  style: 'body' | 'header' | 'both'
}

export class HttpFront implements Homeserver {
  readonly faults = new FaultSwitch()
  readonly rateLimits = new Map<EndpointName, RateLimit>()
  readonly requests: RecordedRequest[] = []
  /** Requests being answered now, and the most at once since the last reset. */
  readonly load = { now: 0, peak: 0 }
  baseUrl = ''
  oauth: OAuthIssuer | null = null
  private readonly router: Router
  private readonly server: Server
  private readonly sockets = new Set<Socket>()

  constructor(readonly config: HomeserverConfig, readonly state: HomeserverState, routes: Route[]) {
    this.router = new Router(routes, config)
    this.server = createServer((req, res) => {
      this.load.peak = Math.max(this.load.peak, ++this.load.now)
      this.handle(req, res)
        .catch((error: unknown) => {
          console.error('test homeserver: failed to answer a request', error)
          if (!res.headersSent) res.writeHead(500).end()
          else res.destroy()
        })
        .finally(() => this.load.now--)
    })
    this.server.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, '127.0.0.1', () => resolve())
    })
    const address = this.server.address()
    if (!address || typeof address === 'string') throw new Error('The test homeserver did not get a TCP port.')
    this.baseUrl = `http://127.0.0.1:${address.port}`
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const socket of this.sockets) socket.destroy()
    this.server.closeAllConnections()
    await closed
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const method = (req.method ?? 'GET').toUpperCase()
    const raw = await readBody(req)
    const match = this.router.match(method, url.pathname)
    const endpoint: EndpointName | 'unknown' = match.kind === 'found' ? match.route.endpoint : 'unknown'
    const record: RecordedRequest = {
      endpoint,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: flattenHeaders(req),
      body: raw === undefined ? undefined : raw === 'too-large' ? '<too large>' : parseLoose(raw.toString('utf8')),
      status: 0,
      responseBody: undefined,
      responseHeaders: {},
    }

    if (method === 'OPTIONS') return this.send(res, record, { kind: 'empty', status: 204 })

    const fault = this.faults.for(endpoint)
    if (fault && fault.kind === 'latency') {
      await new Promise((resolve) => setTimeout(resolve, fault.ms))
      if (res.destroyed) return
    } else if (fault) {
      const outcome = applyFault(fault, req, res)
      record.fault = fault.kind
      record.status = outcome.status
      record.responseBody = outcome.body
      record.responseHeaders = outcome.headers
      this.requests.push(record)
      return
    }

    if (match.kind !== 'found') {
      const reply =
        match.kind === 'wrong-method' ? matrixError(405, 'M_UNRECOGNIZED', 'Unrecognized request: wrong method for this path.')
        : match.kind === 'bad-path' ? matrixError(400, 'M_INVALID_PARAM', 'The path is not valid percent-encoding.')
        : matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request.')
      return this.send(res, record, reply)
    }

    const limit = this.rateLimits.get(match.route.endpoint)
    if (limit && limit.remaining > 0) {
      limit.remaining -= 1
      if (limit.remaining === 0) this.rateLimits.delete(match.route.endpoint)
      record.rateLimited = true
      return this.send(res, record, limitExceeded(limit.retryAfterMs, limit.style))
    }

    if (raw === 'too-large') return this.send(res, record, matrixError(413, 'M_TOO_LARGE', 'The request body is too large.'))
    return this.send(res, record, await this.dispatch(req, url, match.route, match.params, match.prefix, raw))
  }

  private async dispatch(
    req: IncomingMessage, url: URL, route: Route, params: Record<string, string>, prefix: string, raw: Buffer | undefined,
  ): Promise<Reply> {
    try {
      const ctx: RequestContext = {
        hs: this,
        method: route.method,
        path: url.pathname,
        prefix,
        params,
        query: url.searchParams,
        body: {},
        form: new URLSearchParams(),
        // Asked of the socket (a system call) only by the routes that record it.
        get ip() {
          return req.socket.remoteAddress ?? '127.0.0.1'
        },
        ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
      }
      await this.authenticate(req, route, ctx)
      if (route.body === 'json') ctx.body = parseJsonObject(raw)
      if (route.body === 'form' && raw !== undefined) ctx.form = new URLSearchParams(raw.toString('utf8'))
      return await route.handle(ctx)
    } catch (error) {
      if (error instanceof MatrixReply) return error.reply
      console.error('test homeserver: a handler failed', error)
      return matrixError(500, 'M_UNKNOWN', 'Internal error in the test homeserver.')
    }
  }

  /** Only the Authorization header counts: spec v1.20 removed the access_token query parameter. */
  private async authenticate(req: IncomingMessage, route: Route, ctx: RequestContext): Promise<void> {
    if (route.auth === 'none') return
    const header = req.headers.authorization
    const bearer = header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1]
    if (bearer === undefined) {
      if (route.auth === 'optional' && header === undefined) return
      throw new MatrixReply(matrixError(401, 'M_MISSING_TOKEN', 'Missing access token.'))
    }
    let found = this.state.lookupAccessToken(bearer)
    if (found.kind === 'unknown' && this.oauth) found = await this.introspect(bearer)
    if (found.kind === 'unknown') {
      throw new MatrixReply(matrixError(401, 'M_UNKNOWN_TOKEN', 'Unrecognised access token.', { soft_logout: false }))
    }
    if (found.kind === 'soft-logout') {
      throw new MatrixReply(matrixError(401, 'M_UNKNOWN_TOKEN', 'Access token expired; sign in again.', { soft_logout: true }))
    }
    if (found.user.locked && !ALLOWED_WHEN_LOCKED.has(route.endpoint)) {
      throw new MatrixReply(matrixError(401, 'M_USER_LOCKED', 'This account has been locked.', { soft_logout: true }))
    }
    this.state.noteUsed(found.token.predecessor)
    this.state.touchDevice(found.token, ctx.ip, ctx.userAgent)
    ctx.auth = { user: found.user, token: found.token }
  }

  /**
   * An access token of the OAuth issuer, as Synapse accepts MAS's: introspected at every use (so
   * revocation is immediate), its device taken from the scope and created on first use. A token
   * without the API scope this server understands is unknown, as on Synapse 1.97.
   */
  private async introspect(token: string): Promise<TokenLookup> {
    const oauth = this.config.oauth
    if (!this.oauth || !oauth) return { kind: 'unknown' }
    const answer = await this.oauth.introspect(token)
    if (!answer.active || answer.sub === undefined) return { kind: 'unknown' }
    const deviceId = deviceOfScope(answer.scope)
    if (deviceId === undefined || !grantsApi(answer.scope, oauth.profile === 'well-known' ? 'unstable' : 'both')) return { kind: 'unknown' }
    const user = this.state.users.get(answer.sub)
    if (!user) return { kind: 'unknown' }
    this.state.ensureDevice(user, deviceId, undefined)
    const access: AccessToken = { token, localpart: user.localpart, deviceId, softLoggedOut: false, oauth: true }
    return { kind: 'valid', token: access, user }
  }

  private send(res: ServerResponse, record: RecordedRequest, reply: Reply): void {
    const headers: Record<string, string> = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
      'Access-Control-Allow-Headers': 'Authorization, Content-Type',
    }
    let status: number
    let body: string | Buffer | undefined
    switch (reply.kind) {
      case 'json':
        status = reply.status
        Object.assign(headers, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, reply.headers)
        body = JSON.stringify(reply.body)
        record.responseBody = reply.body
        if (reply.rewritten) record.fault = 'rewritten'
        break
      case 'html':
        status = reply.status
        Object.assign(headers, PAGE_HEADERS, reply.headers)
        body = reply.html
        record.responseBody = reply.html
        break
      case 'png':
        status = reply.status
        Object.assign(headers, { 'Content-Type': 'image/png', 'Content-Disposition': 'inline; filename="thumbnail.png"' })
        body = reply.bytes
        break
      case 'redirect':
        status = 302
        Object.assign(headers, { Location: reply.location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' })
        break
      case 'empty':
        status = reply.status
        break
    }
    record.status = status
    record.responseHeaders = headers
    this.requests.push(record)
    if (res.destroyed) return
    res.writeHead(status, headers)
    res.end(body)
  }
}

/** Our pages load nothing from elsewhere and leak nothing (tokens travel in their URLs). */
const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:",
  'X-Frame-Options': 'DENY',
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined | 'too-large'> {
  // Neither Content-Length nor Transfer-Encoding: the request has no body (RFC 9112 §6.3), and a
  // GET answered at once costs the server no stream to read.
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    req.resume()
    return undefined
  }
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length
      if (size > MAX_BODY_BYTES) return 'too-large'
      chunks.push(chunk as Buffer)
    }
  } catch {
    return undefined
  }
  return size === 0 ? undefined : Buffer.concat(chunks)
}

function parseLoose(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** The body of a JSON endpoint: an empty body counts as {} (clients send none to /logout). */
function parseJsonObject(raw: Buffer | undefined): Record<string, unknown> {
  if (raw === undefined) return {}
  let value: unknown
  try {
    value = JSON.parse(raw.toString('utf8'))
  } catch {
    throw new MatrixReply(matrixError(400, 'M_NOT_JSON', 'Content not JSON.'))
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MatrixReply(matrixError(400, 'M_BAD_JSON', 'Content must be a JSON object.'))
  }
  return value as Record<string, unknown>
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return headers
}
