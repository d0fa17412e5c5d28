/**
 * The loopback redirect listener (RFC 8252 §7.3): an HTTP server on 127.0.0.1 and an ephemeral
 * port, started for one browser sign-in and closed after it. Which requests it accepts is decided
 * in ./redirect-request; this file owns the lifecycle: listen, wait, hold the browser's answer
 * until the caller knows how the sign-in ended, time out, cancel, and always close.
 *
 * Paths:
 * - `sso`: `/sso/<nonce>`, a fresh 256-bit nonce per listener. Matrix SSO redirect URLs are not
 *   registered anywhere, so the unguessable path is what keeps other pages and processes out.
 * - `oauth`: the fixed `/oauth/callback`. OAuth clients register their redirect URIs once
 *   (`http://127.0.0.1/oauth/callback`, no port: the server must accept any port, per the Matrix
 *   spec and RFC 8252 §7.3), so the path cannot vary per sign-in; the `state` (256 bits unless
 *   the caller brings its own) and PKCE play the nonce's part.
 *
 * Nothing here logs: the request target carries the login token or the code.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { http } from '../node-http'
import { SsoError } from './errors'
import { randomNonce } from './nonce'
import {
  alreadyUsedPage,
  cancelledPage,
  failedPage,
  notFoundPage,
  PAGE_HEADERS,
  receivedPage,
  renderPage,
  signedInPage,
  type Page,
} from './page'
import {
  isRedirectPath,
  judgeRequest,
  type Expectation,
  type OAuthRedirect,
  type RedirectResult,
  type SsoRedirect,
} from './redirect-request'
import { duration } from './duration'

export type { OAuthRedirect, RedirectResult, SsoRedirect } from './redirect-request'

export const LOOPBACK_HOST = '127.0.0.1'
export const OAUTH_REDIRECT_PATH = '/oauth/callback'
/** The redirect URI to register for the OAuth client: loopback, no port (any port is accepted). */
export const OAUTH_REDIRECT_URI_TO_REGISTER = `http://${LOOPBACK_HOST}${OAUTH_REDIRECT_PATH}`
export const DEFAULT_TIMEOUT_MS = 5 * 60_000
export const DEFAULT_RESPOND_TIMEOUT_MS = 30_000

/**
 * How much a connection may ask of the listener. The only legitimate client is a browser sending
 * one small GET, so the limits are short; anything else on this machine that connects (a port
 * scanner, a hostile local page or process) is dropped when they say, not 30 s later: Node checks
 * headersTimeout and requestTimeout only every `connectionsCheckingInterval` (30 s by default), so
 * the interval is set from the timeouts.
 */
export interface ConnectionLimits {
  /** The request line and headers must arrive within this. */
  headersTimeoutMs: number
  /** The whole request must arrive within this. */
  requestTimeoutMs: number
  /** Connections open at once; more are closed as they come (a browser opens a few in parallel). */
  maxConnections: number
}

export const DEFAULT_CONNECTION_LIMITS: Readonly<ConnectionLimits> = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  maxConnections: 16,
})

interface CommonListenerOptions {
  /** How long to wait for the browser to come back; default 5 minutes. */
  timeoutMs?: number
  /** How long the browser's page waits for `respond()` before a neutral page; default 30 s. */
  respondTimeoutMs?: number
  /** Aborting it cancels the sign-in, as `cancel()` does. */
  signal?: AbortSignal
  /** Always 127.0.0.1: a listener on any other interface would be reachable from the network. */
  host?: never
  /** Tighter or looser connection limits (tests); DEFAULT_CONNECTION_LIMITS otherwise. */
  limits?: Partial<ConnectionLimits>
}

export interface SsoListenerOptions extends CommonListenerOptions {
  kind: 'sso'
}

export interface OAuthListenerOptions extends CommonListenerOptions {
  kind: 'oauth'
  /** The `state` sent in the authorisation request; a fresh 256-bit one when omitted. */
  expectedState?: string
}

export type RedirectListenerOptions = SsoListenerOptions | OAuthListenerOptions

/** How the sign-in ended, for the page the browser is left on. */
export type RedirectOutcome = { ok: true; userId: string } | { ok: false; message: string }

export interface RedirectListener<R extends RedirectResult = RedirectResult> {
  readonly kind: 'sso' | 'oauth'
  /** Where the browser must come back to: `redirectUrl` (SSO) or `redirect_uri` (OAuth). */
  readonly url: string
  /** The address actually bound, read back from the socket: always 127.0.0.1. */
  readonly host: string
  readonly port: number
  /** OAuth: the `state` to put in the authorisation request. SSO: undefined. */
  readonly state: string | undefined
  /**
   * Resolves with the accepted redirect; rejects with an SsoError (`cancelled`, `timeout`,
   * `idp-error`). Rejections are pre-handled, so a caller that cancels need not await it.
   */
  readonly result: Promise<R>
  /**
   * Answers the browser's held request and then closes. Only meaningful after `result`
   * resolved; ignored before, after the fallback page was sent, and when called twice.
   */
  respond(outcome: RedirectOutcome): void
  /** Stops waiting (result rejects with `cancelled`), answers a held browser, and closes. Idempotent. */
  cancel(): void
  /** Resolves once the server has stopped listening and every socket is gone. */
  readonly closed: Promise<void>
}

type Phase = 'waiting' | 'holding' | 'done'

/**
 * Opens a listener for one sign-in. Rejects with SsoError `listen-failed` when no loopback port
 * can be opened, and with `cancelled` when `signal` is already aborted.
 */
export function startRedirectListener(options: SsoListenerOptions): Promise<RedirectListener<SsoRedirect>>
export function startRedirectListener(options: OAuthListenerOptions): Promise<RedirectListener<OAuthRedirect>>
export function startRedirectListener(options: RedirectListenerOptions): Promise<RedirectListener>
export async function startRedirectListener(options: RedirectListenerOptions): Promise<RedirectListener> {
  const { kind, signal } = options
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const respondTimeoutMs = options.respondTimeoutMs ?? DEFAULT_RESPOND_TIMEOUT_MS
  checkDelay('timeoutMs', timeoutMs)
  checkDelay('respondTimeoutMs', respondTimeoutMs)
  if (signal?.aborted) throw cancelledError()
  const state = kind === 'oauth' ? (options.expectedState ?? randomNonce()) : undefined
  if (state === '') throw new TypeError('expectedState must not be empty')
  const path = kind === 'sso' ? `/sso/${randomNonce()}` : OAUTH_REDIRECT_PATH

  let phase: Phase = 'waiting'
  let closing = false
  let held: ServerResponse | undefined
  let respondTimer: NodeJS.Timeout | undefined

  let resolveResult!: (redirect: RedirectResult) => void
  let rejectResult!: (error: SsoError) => void
  const result = new Promise<RedirectResult>((resolve, reject) => {
    resolveResult = resolve
    rejectResult = reject
  })
  result.catch(() => {})

  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.limits }
  checkDelay('headersTimeoutMs', limits.headersTimeoutMs)
  checkDelay('requestTimeoutMs', limits.requestTimeoutMs)
  if (!Number.isSafeInteger(limits.maxConnections) || limits.maxConnections < 1) {
    throw new TypeError('maxConnections must be a whole number of 1 or more')
  }
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      // Node refuses a requestTimeout shorter than headersTimeout.
      requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
      // Checked ten times per timeout, so a timeout fires within a tenth of itself of when it says.
      connectionsCheckingInterval: Math.max(50, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 10)),
      maxHeaderSize: 16 * 1024,
    },
    (req, res) => onRequest(req, res),
  )
  server.maxConnections = limits.maxConnections
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()))

  const address = await listen(server)
  const host = `${address.address}:${address.port}`
  const expectation: Expectation = kind === 'sso' ? { kind, path, host } : { kind, path, host, state: state ?? '' }
  const waitTimer = setTimeout(() => fail(timeoutError(timeoutMs)), timeoutMs)
  signal?.addEventListener('abort', cancel, { once: true })
  if (signal?.aborted) cancel() // aborted while the port was being opened

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (phase !== 'waiting') {
      const used = isRedirectPath(req.url, path)
      send(res, used ? 410 : 404, used ? alreadyUsedPage() : notFoundPage())
      return
    }
    const verdict = judgeRequest(expectation, { method: req.method, url: req.url, host: req.headers.host })
    switch (verdict.kind) {
      case 'reject':
        send(res, verdict.status, verdict.page, verdict.headers)
        return
      case 'idp-error': {
        const error = idpError(verdict.error, verdict.description)
        phase = 'done'
        rejectResult(error)
        finishWith(res, failedPage(error.message))
        return
      }
      case 'accept':
        phase = 'holding'
        clearTimeout(waitTimer)
        held = res
        // A browser that gives up (tab closed) ends the sign-in's use of the listener too.
        res.once('close', () => {
          if (phase === 'holding') phase = 'done'
          shutdown()
        })
        respondTimer = setTimeout(() => answerHeld(receivedPage()), respondTimeoutMs)
        resolveResult(verdict.redirect)
        return
    }
  }

  function answerHeld(page: Page): void {
    if (phase !== 'holding' || held === undefined) return
    phase = 'done'
    clearTimeout(respondTimer)
    finishWith(held, page)
  }

  /** Sends the last page of the sign-in, then closes once it has gone out. */
  function finishWith(res: ServerResponse, page: Page): void {
    res.once('close', shutdown)
    send(res, 200, page)
  }

  function fail(error: SsoError): void {
    if (phase !== 'waiting') return
    phase = 'done'
    rejectResult(error)
    shutdown()
  }

  function cancel(): void {
    if (phase === 'waiting') fail(cancelledError())
    else if (phase === 'holding') answerHeld(cancelledPage())
    else shutdown()
  }

  function shutdown(): void {
    if (closing) return
    closing = true
    clearTimeout(waitTimer)
    clearTimeout(respondTimer)
    signal?.removeEventListener('abort', cancel)
    server.close()
    server.closeAllConnections()
  }

  return {
    kind,
    url: `http://${host}${path}`,
    host: address.address,
    port: address.port,
    state,
    result,
    respond(outcome: RedirectOutcome): void {
      answerHeld(outcome.ok ? signedInPage(outcome.userId) : failedPage(outcome.message))
    },
    cancel,
    closed,
  }
}

function listen(server: Server): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        new SsoError(
          'listen-failed',
          `Latchkey could not open a local port for the browser to come back to (${error.code ?? 'unknown error'}).`,
        ),
      )
    }
    server.once('error', onError)
    server.listen({ host: LOOPBACK_HOST, port: 0, exclusive: true }, () => {
      server.off('error', onError)
      resolve(server.address() as AddressInfo)
    })
  })
}

/** setTimeout turns anything past 2^31-1 ms into 1 ms: refuse it rather than time out at once. */
function checkDelay(name: string, ms: number): void {
  if (!Number.isFinite(ms) || ms <= 0 || ms > 2_147_483_647) {
    throw new TypeError(`${name} must be a positive number of milliseconds up to 2^31-1`)
  }
}

function send(res: ServerResponse, status: number, page: Page, headers: Record<string, string> = {}): void {
  const body = renderPage(page)
  res.writeHead(status, {
    ...PAGE_HEADERS,
    ...headers,
    // No keep-alive reuse: a connection carries one request and closes after its answer.
    Connection: 'close',
    'Content-Length': String(Buffer.byteLength(body)),
  })
  res.end(body)
}

function cancelledError(): SsoError {
  return new SsoError('cancelled', 'The sign-in was cancelled.')
}

function timeoutError(ms: number): SsoError {
  return new SsoError('timeout', `The browser did not come back to Latchkey within ${duration(ms)}. Start the sign-in again.`)
}

/** The authorisation server's words are shown, but cut short: they come from outside. */
function idpError(error: string, description: string | undefined): SsoError {
  const code = error.slice(0, 100)
  const said = description === undefined ? '' : `: ${description.slice(0, 300)}`
  return new SsoError('idp-error', `The sign-in was refused by the server (${code}${said}).`, {
    idpError: code,
    ...(description === undefined ? {} : { idpErrorDescription: description.slice(0, 300) }),
  })
}
