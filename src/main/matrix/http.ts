// One HTTP exchange, on node:http(s) rather than fetch: fetch has no connect timeout (only a
// whole-request abort), hides the socket error codes behind "fetch failed", and cannot tell a
// body cut short by the server from one we aborted. Here each of those is a distinct failure the
// transport turns into a sentence.

import type { Agent, IncomingHttpHeaders } from 'node:http'
import type { Socket } from 'node:net'
import { http, https } from '../node-http'
import { endpointOf, openSpares, takeSpare } from './spare-connections'

export interface HttpRequest {
  url: URL
  method: string
  headers: Record<string, string>
  body?: Uint8Array
  /** No TCP connection within this long: 'connect-timeout'. */
  connectTimeoutMs: number
  /** No complete answer within this long (connect included): 'timeout'. */
  timeoutMs: number
  signal?: AbortSignal
  maxBodyBytes: number
  /** Follow up to this many 30x redirects (GET only); 0 treats a redirect as the answer. */
  maxRedirects: number
  /** Tests only (see TransportOptions.resolveForTests): where to connect for a URL's host. */
  resolveForTests?: ResolveForTests
}

/**
 * Tests only: a host name → a loopback address and port to connect to instead, over plain http
 * (the request still names the original host, so a test server can answer per name). Lets tests
 * give server names such as example.org to servers on 127.0.0.1; the app and the CLI never set it.
 */
export type ResolveForTests = (hostname: string) => { address: string; port: number } | undefined

const LOOPBACK_ADDRESS = /^(127(?:\.\d{1,3}){3}|::1)$/

export interface HttpResponse {
  status: number
  statusText: string
  headers: IncomingHttpHeaders
  body: Uint8Array
  /** After redirects. */
  url: URL
}

export type HttpFailureReason =
  | 'connect-timeout'
  | 'timeout'
  | 'network'
  | 'truncated'
  | 'too-large'
  | 'cancelled'
  | 'redirect-loop'

export class HttpFailure extends Error {
  constructor(
    readonly reason: HttpFailureReason,
    /** The socket error code, e.g. ECONNREFUSED. */
    readonly code?: string,
    /** Whether we received the status line before it failed. */
    readonly gotHeaders = false,
    /** The host that failed (it may differ from the request's after a redirect). */
    readonly host?: string,
  ) {
    super(code ? `${reason} (${code})` : reason)
    this.name = 'HttpFailure'
  }
}

// Keep-alive agents: a session check every few seconds should not pay for a new TCP (and TLS)
// handshake each time. Enough sockets per host that a check of every account on one server goes
// out in one wave (the service bounds checks at 32 per host, plus a /versions beside them).
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 48, maxTotalSockets: 512 }

type CreateConnection = (options: object, callback?: (err: Error | null, socket?: Socket) => void) => Socket | undefined

/** An agent that takes a connection opened ahead (./spare-connections.ts) before it opens a new one. */
function withSpares<A extends Agent>(agent: A, protocol: 'http:' | 'https:'): A {
  const create = (agent as unknown as { createConnection: CreateConnection }).createConnection.bind(agent)
  Object.assign(agent, {
    createConnection(options: { host?: string; port?: string | number }, callback?: (err: Error | null, socket?: Socket) => void) {
      return takeSpare(protocol, options.host ?? 'localhost', Number(options.port)) ?? create(options, callback)
    },
  })
  return agent
}

const agents = {
  'http:': withSpares(new http.Agent(AGENT_OPTIONS), 'http:'),
  'https:': withSpares(new https.Agent(AGENT_OPTIONS), 'https:'),
}

/**
 * Opens connections to a server ahead of the requests that will use them (a check of `count`
 * accounts there), until `count` are open, counting kept-alive ones and spares. Nothing is sent;
 * connections not used within 15 s are closed.
 */
export function preconnect(baseUrl: string, count: number): void {
  const at = endpointOf(baseUrl)
  if (!at) return
  const prefix = `${at.host}:${at.port}:`
  let kept = 0
  for (const [name, free] of Object.entries(agents[at.protocol].freeSockets)) if (name.startsWith(prefix)) kept += free?.length ?? 0
  openSpares(baseUrl, Math.min(count, AGENT_OPTIONS.maxSockets) - kept)
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])

export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const started = Date.now()
  const visited = new Set<string>()
  let url = req.url
  let headers = { ...req.headers }
  for (let hop = 0; ; hop++) {
    visited.add(url.href)
    const remaining = req.timeoutMs - (Date.now() - started)
    if (remaining <= 0) throw new HttpFailure('timeout', undefined, false, url.host)
    const res = await exchangeWithRetry({ ...req, url, headers, timeoutMs: remaining })
    const location = res.headers.location
    if (!REDIRECTS.has(res.status) || req.method !== 'GET' || req.maxRedirects === 0 || typeof location !== 'string') return res
    if (hop >= req.maxRedirects) return res
    const next = URL.canParse(location, url) ? new URL(location, url) : null
    if (!next || (next.protocol !== 'http:' && next.protocol !== 'https:')) return res
    if (visited.has(next.href)) throw new HttpFailure('redirect-loop', undefined, true, url.host)
    // Never carry the access token to another origin (a CDN, another host).
    if (next.origin !== url.origin) {
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'))
    }
    url = next
  }
}

/**
 * A keep-alive socket the server closed while idle fails with ECONNRESET the moment we reuse it;
 * the request never reached the server, so one retry on a fresh socket is safe (Node's own advice).
 */
async function exchangeWithRetry(req: HttpRequest): Promise<HttpResponse> {
  try {
    return await exchange(req)
  } catch (e) {
    if (!(e instanceof StaleSocket)) throw e
  }
  try {
    return await exchange(req)
  } catch (e) {
    if (e instanceof StaleSocket) throw new HttpFailure('network', 'ECONNRESET', false, req.url.host)
    throw e
  }
}

class StaleSocket extends Error {}

function exchange(req: HttpRequest): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const { url } = req
    const host = url.host
    if (req.signal?.aborted) {
      reject(new HttpFailure('cancelled', undefined, false, host))
      return
    }
    const bareHostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
    const redirected = req.resolveForTests?.(bareHostname)
    if (redirected && !LOOPBACK_ADDRESS.test(redirected.address)) {
      reject(new Error(`resolveForTests may only name loopback addresses, not ${redirected.address}`))
      return
    }
    const isHttps = url.protocol === 'https:' && !redirected
    const mod = isHttps ? https : http
    let settled = false
    let gotHeaders = false
    let connectTimer: NodeJS.Timeout | undefined
    // Why we destroyed the request ourselves; it wins over whatever error the socket reports then.
    let ourReason: HttpFailure | undefined
    const fail = (err: Error) => {
      if (settled) return
      settled = true
      cleanup()
      reject(ourReason ?? err)
    }
    const abortWith = (reason: HttpFailure) => {
      ourReason ??= reason
      request.destroy(reason)
    }
    const headers: Record<string, string> = { ...req.headers }
    if (redirected) headers.Host = url.host
    if (req.body) headers['Content-Length'] = String(req.body.byteLength)
    else if (req.method !== 'GET') headers['Content-Length'] = '0'

    const request = mod.request({
      protocol: isHttps ? 'https:' : 'http:',
      hostname: redirected ? redirected.address : bareHostname,
      port: redirected ? redirected.port : url.port || (isHttps ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: req.method,
      headers,
      agent: agents[isHttps ? 'https:' : 'http:'],
    })

    const totalTimer = setTimeout(() => {
      abortWith(new HttpFailure('timeout', undefined, gotHeaders, host))
    }, req.timeoutMs)
    const onAbort = () => abortWith(new HttpFailure('cancelled', undefined, gotHeaders, host))
    req.signal?.addEventListener('abort', onAbort, { once: true })

    function cleanup() {
      clearTimeout(totalTimer)
      if (connectTimer) clearTimeout(connectTimer)
      req.signal?.removeEventListener('abort', onAbort)
    }

    request.on('socket', (socket) => {
      if (!socket.connecting) return
      connectTimer = setTimeout(() => {
        abortWith(new HttpFailure('connect-timeout', undefined, false, host))
      }, Math.min(req.connectTimeoutMs, req.timeoutMs))
      socket.once('connect', () => clearTimeout(connectTimer))
    })

    request.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof HttpFailure) return fail(err)
      if (!gotHeaders && request.reusedSocket && err.code === 'ECONNRESET') return fail(new StaleSocket())
      fail(new HttpFailure('network', err.code ?? 'EUNKNOWN', gotHeaders, host))
    })

    request.on('response', (res) => {
      gotHeaders = true
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        size += chunk.byteLength
        if (size > req.maxBodyBytes) {
          abortWith(new HttpFailure('too-large', undefined, true, host))
          return
        }
        chunks.push(chunk)
      })
      res.on('end', () => {
        if (settled) return
        // A Content-Length larger than what arrived before the socket closed.
        if (!res.complete) return fail(new HttpFailure('truncated', undefined, true, host))
        settled = true
        cleanup()
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: res.headers,
          body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
          url,
        })
      })
      res.on('error', (err) => {
        if (err instanceof HttpFailure) return fail(err)
        fail(new HttpFailure('truncated', (err as NodeJS.ErrnoException).code, true, host))
      })
      res.on('close', () => {
        if (!settled) fail(new HttpFailure('truncated', undefined, true, host))
      })
    })

    request.end(req.body)
  })
}
