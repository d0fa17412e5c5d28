// The one generic `send(endpoint, params)`: path by the server's versions, base URL, bearer token,
// JSON, timeouts, and waiting out 429s within bounds. Everything endpoint-specific is in the
// descriptor; everything session-specific (refresh, UIA) is in client.ts and uia.ts.

import type { Endpoint } from './endpoint'
import { MatrixError } from './errors'
import { HttpFailure, httpRequest, preconnect, type HttpResponse, type ResolveForTests } from './http'
import { readResponse } from './response'
import { networkSentence } from './sentences'
import { selectPath, type ServerVersions } from './spec-versions'

export interface TransportOptions {
  /** No TCP connection within this long is a 'timeout' error. Default 10 s. */
  connectTimeoutMs?: number
  /** The whole call, 429 waits included, must finish within this long. Default 30 s. */
  timeoutMs?: number
  /** How many times a 429 is waited out and retried. Default 3. */
  maxRateLimitRetries?: number
  /** A 429 asking for a longer wait than this is reported at once (with retryAfterMs), not waited. Default 10 s. */
  maxRateLimitWaitMs?: number
  /** Injected for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Injected for tests: the clock used for Retry-After dates, deadlines and expiry. */
  now?: () => number
  userAgent?: string
  /** Answers longer than this are refused (a device list of 10,000 is about 1.5 MB). Default 32 MiB. */
  maxBodyBytes?: number
  /**
   * Tests only: connect to a loopback address instead of resolving a host name (see
   * ResolveForTests), so server names such as example.org can be served on 127.0.0.1.
   */
  resolveForTests?: ResolveForTests
}

export interface SendContext {
  /** The base URL (for unversioned endpoints such as the well-known file: the origin to ask). */
  baseUrl: string
  /** What the server advertised; null or absent = assume the newest paths. */
  versions?: ServerVersions | null
  /** The path template to use, chosen by the caller from the endpoint's history (wins over `versions`). */
  path?: string
  accessToken?: string
  signal?: AbortSignal
  /** Overrides the transport's total timeout for this call. */
  timeoutMs?: number
  /** More strings to keep out of error messages. */
  secrets?: readonly (string | undefined)[]
}

/** What a `Transport.fetcher` call is, for its sentences. */
export interface FetchCall {
  /** Names the call in MatrixError.endpoint (e.g. 'oauthToken'). */
  endpoint: string
  /** A noun phrase, as Endpoint.label. */
  label: string
  secrets?: readonly (string | undefined)[]
  signal?: AbortSignal
  timeoutMs?: number
}

/** The part of fetch's RequestInit a library hands to a custom fetch. */
export interface FetchInit {
  method: string
  headers: Record<string, string>
  body?: string | URLSearchParams | null
  signal?: AbortSignal
}

/**
 * Whether a failed exchange may have reached the server: false only when no connection was made
 * (refused, unreachable, connect timeout) or it was cancelled before connecting.
 */
export function mayHaveBeenSent(failure: HttpFailure): boolean {
  if (failure.reason === 'connect-timeout') return false
  if (failure.reason === 'network' && !failure.gotHeaders && ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'].includes(failure.code ?? '')) return false
  return true
}

/** Per-call options every client method takes. */
export interface CallOptions {
  signal?: AbortSignal
  timeoutMs?: number
}

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  timeoutMs: 30_000,
  maxRateLimitRetries: 3,
  maxRateLimitWaitMs: 10_000,
  maxBodyBytes: 32 * 1024 * 1024,
  userAgent: 'Latchkey',
}

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'))
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(new Error('aborted'))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** host[:port] of a base URL, as sentences name it. */
export function hostOf(baseUrl: string): string {
  return URL.canParse(baseUrl) ? new URL(baseUrl).host : baseUrl
}

export function trimBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '')
}

/**
 * Two base URLs name the same homeserver when they match after normalising what URLs may spell
 * differently: scheme and host case, a default port, trailing slashes.
 */
export function sameBaseUrl(a: string, b: string): boolean {
  const norm = (u: string): string | null => {
    if (!URL.canParse(u)) return null
    const url = new URL(u)
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`
  }
  const x = norm(a)
  return x !== null && x === norm(b)
}

export class Transport {
  readonly connectTimeoutMs: number
  readonly timeoutMs: number
  readonly maxRateLimitRetries: number
  readonly maxRateLimitWaitMs: number
  readonly maxBodyBytes: number
  readonly userAgent: string
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  readonly now: () => number
  readonly resolveForTests: ResolveForTests | undefined

  constructor(options: TransportOptions = {}) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs
    this.timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs
    this.maxRateLimitRetries = options.maxRateLimitRetries ?? DEFAULTS.maxRateLimitRetries
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? DEFAULTS.maxRateLimitWaitMs
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes
    this.userAgent = options.userAgent ?? DEFAULTS.userAgent
    this.sleep = options.sleep ?? defaultSleep
    this.now = options.now ?? Date.now
    this.resolveForTests = options.resolveForTests
  }

  /**
   * Opens connections to a server ahead of `count` calls that will soon go there, so their
   * handshakes overlap local work (reading the keychain). Sends nothing; unused ones close.
   */
  preconnect(baseUrl: string, count: number): void {
    preconnect(baseUrl, count)
  }

  /** The URL this call goes to. Path parameters are percent-encoded; the token is never in it. */
  url<P>(endpoint: Endpoint<P, unknown>, params: P, ctx: Pick<SendContext, 'baseUrl' | 'versions' | 'path'>): URL {
    const parts = endpoint.request(params)
    const template = ctx.path ?? selectPath(endpoint.history, endpoint.unversioned ? null : (ctx.versions ?? null))
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = parts.path?.[name]
      if (value === undefined) throw new Error(`${endpoint.name}: no value for path parameter ${name}`)
      return encodeURIComponent(value)
    })
    const base = endpoint.unversioned && endpoint.name === 'wellKnown' ? new URL(ctx.baseUrl).origin : trimBaseUrl(ctx.baseUrl)
    const url = new URL(base + path)
    for (const [k, v] of Object.entries(parts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v))
    return url
  }

  async send<P, R>(endpoint: Endpoint<P, R>, params: P, ctx: SendContext): Promise<R> {
    const host = hostOf(ctx.baseUrl)
    const secrets = [ctx.accessToken, ...(ctx.secrets ?? []), ...(endpoint.secrets?.(params) ?? [])]
    const timeoutMs = ctx.timeoutMs ?? this.timeoutMs
    const started = this.now()
    const url = this.url(endpoint, params, ctx)
    const parts = endpoint.request(params)

    const headers: Record<string, string> = {
      Accept: endpoint.response.kind === 'json' ? 'application/json' : 'image/*, */*;q=0.5',
      'User-Agent': this.userAgent,
    }
    if (endpoint.auth !== 'none' && ctx.accessToken) headers.Authorization = `Bearer ${ctx.accessToken}`
    if (endpoint.auth === 'required' && !ctx.accessToken) {
      throw new MatrixError({ kind: 'logged-out', endpoint: endpoint.name, host, message: `Not signed in to ${host}.` })
    }
    let body: Uint8Array | undefined
    if (parts.body !== undefined) {
      body = Buffer.from(JSON.stringify(parts.body), 'utf8')
      headers['Content-Type'] = 'application/json'
    }

    for (let attempt = 0; ; attempt++) {
      const remaining = timeoutMs - (this.now() - started)
      let res: HttpResponse
      try {
        if (remaining <= 0) throw new HttpFailure('timeout', undefined, false, host)
        const request = {
          url,
          method: endpoint.method,
          headers,
          connectTimeoutMs: this.connectTimeoutMs,
          timeoutMs: remaining,
          maxBodyBytes: this.maxBodyBytes,
          maxRedirects: endpoint.followRedirects ? 5 : 0,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          ...(body ? { body } : {}),
          ...(this.resolveForTests ? { resolveForTests: this.resolveForTests } : {}),
        }
        res = await httpRequest(request)
      } catch (e) {
        if (!(e instanceof HttpFailure)) throw e
        throw this.failure(endpoint, e, host, timeoutMs, secrets)
      }
      // After a redirect the answer comes from another host: name that one.
      const answeringHost = res.url.host
      try {
        return readResponse(endpoint as Endpoint<never, R>, res, { host: answeringHost, secrets, now: this.now })
      } catch (e) {
        if (!(e instanceof MatrixError) || e.kind !== 'rate-limited' || attempt >= this.maxRateLimitRetries) throw e
        // Without a hint from the server, back off 1 s, 2 s, 4 s.
        const wait = e.retryAfterMs ?? 1000 * 2 ** attempt
        const left = timeoutMs - (this.now() - started)
        if (wait > this.maxRateLimitWaitMs || wait >= left) throw e
        try {
          await this.sleep(wait, ctx.signal)
        } catch {
          throw this.failure(endpoint, new HttpFailure('cancelled', undefined, false, host), host, timeoutMs, secrets)
        }
      }
    }
  }

  /**
   * A `fetch` for libraries that speak HTTP themselves (oauth4webapi's customFetch): the same
   * connect and total timeouts, answer size cap, User-Agent and failure sentences as `send`, no
   * redirects followed, and a failure is a MatrixError naming `call.label`, scrubbed of the
   * request's secrets. Whether it failed before the request could reach the server is kept in
   * `sentBeforeFailure` (see below), for callers that must never send a secret twice.
   */
  fetcher(call: FetchCall): (url: string, init: FetchInit) => Promise<Response> {
    return async (url, init) => {
      const target = new URL(url)
      const host = target.host
      const headers: Record<string, string> = { 'User-Agent': this.userAgent, ...init.headers }
      const body = init.body === undefined || init.body === null ? undefined : Buffer.from(init.body instanceof URLSearchParams ? init.body.toString() : init.body, 'utf8')
      const signal = call.signal ?? init.signal
      let res: HttpResponse
      try {
        res = await httpRequest({
          url: target,
          method: init.method,
          headers,
          connectTimeoutMs: this.connectTimeoutMs,
          timeoutMs: call.timeoutMs ?? this.timeoutMs,
          maxBodyBytes: this.maxBodyBytes,
          maxRedirects: 0,
          ...(signal ? { signal } : {}),
          ...(body ? { body } : {}),
        })
      } catch (e) {
        if (!(e instanceof HttpFailure)) throw e
        const error = this.failure({ name: call.endpoint, label: call.label }, e, host, call.timeoutMs ?? this.timeoutMs, call.secrets ?? [])
        throw Object.assign(error, { sentBeforeFailure: mayHaveBeenSent(e) })
      }
      const responseHeaders = new Headers()
      for (const [name, value] of Object.entries(res.headers)) {
        if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v)
        else if (value !== undefined) responseHeaders.set(name, value)
      }
      const nullBody = res.status === 204 || res.status === 205 || res.status === 304
      return new Response(nullBody ? null : new Uint8Array(res.body), { status: res.status, statusText: res.statusText, headers: responseHeaders })
    }
  }

  private failure(endpoint: { name: string; label: string }, f: HttpFailure, host: string, timeoutMs: number, secrets: readonly (string | undefined)[]): MatrixError {
    const failingHost = f.host ?? host
    const kind =
      f.reason === 'connect-timeout' || f.reason === 'timeout'
        ? 'timeout'
        : f.reason === 'cancelled'
          ? 'cancelled'
          : f.reason === 'network'
            ? 'network'
            : 'malformed'
    const message = networkSentence(failingHost, endpoint.label, f, { connectTimeoutMs: this.connectTimeoutMs, timeoutMs })
    return new MatrixError({ kind, endpoint: endpoint.name, host: failingHost, message, cause: f, secrets })
  }
}
