// The one error type of the protocol layer: a `kind` a program can branch on and a `message` a
// person can act on, naming the server. Nothing secret ever goes in: messages are built from our
// own sentences plus the server's `error` text, and both are scrubbed of every secret the request
// carried (a buggy server could echo a token back).

import type { UiaState } from './uia-state.ts'

export type MatrixErrorKind =
  /** The server refused the request (a Matrix error or a plain error status). */
  | 'http'
  /** The server could not be reached, or the connection broke before an answer. */
  | 'network'
  /** No connection within the connect timeout, or no full answer within the total timeout. */
  | 'timeout'
  /** The answer was not what the spec says: not JSON, an HTML page, cut short, or the wrong shape. */
  | 'malformed'
  /** 429 / M_LIMIT_EXCEEDED for longer than we are willing to wait; see `retryAfterMs`. */
  | 'rate-limited'
  /** M_UNKNOWN_TOKEN that no refresh could cure; `softLogout` says whether the device survives. */
  | 'logged-out'
  /** M_USER_LOCKED: the account is locked; the session is kept and works again once unlocked. */
  | 'user-locked'
  /** User-Interactive Authentication needed, failed (wrong password) or cannot be completed here. */
  | 'uia'
  /** The server does not offer this endpoint (404/405 M_UNRECOGNIZED, e.g. MAS); see `accountManagementUrl`. */
  | 'unsupported'
  /** Server discovery failed by the spec's rules; see `discovery` (FAIL_PROMPT or FAIL_ERROR). */
  | 'discovery'
  /** What the person typed is not a server name, user id or URL. */
  | 'invalid-input'
  /** The caller aborted the call. */
  | 'cancelled'
  /** Rotated tokens could not be handed to `onCredentials`, so they were not used. */
  | 'persist'

export type DiscoveryFailure = 'FAIL_PROMPT' | 'FAIL_ERROR'

export interface MatrixErrorInit {
  kind: MatrixErrorKind
  /** The endpoint name, or 'discovery' for failures of the discovery procedure as a whole. */
  endpoint: string
  /** host[:port] of the server the sentence names. */
  host: string
  message: string
  status?: number
  errcode?: string
  error?: string
  softLogout?: boolean
  retryAfterMs?: number
  accountManagementUrl?: string
  uia?: UiaState
  stage?: string
  discovery?: DiscoveryFailure
  cause?: unknown
  /** Strings that must not appear in `message` or `error` (tokens, passwords of this request). */
  secrets?: readonly (string | undefined)[]
}

/** The longest piece of a server's own text (an `error`) that goes into a sentence. */
export const MAX_SERVER_TEXT = 300

export function scrub(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]')
  return out
}

/**
 * Text a server chose (an `error`, an `errcode`, a reason phrase), made safe to show and to store:
 * no control characters (a terminal would obey them), no bidirectional overrides, no secrets, and
 * at most `max` characters, so a sentence built from it always fits where statuses are kept.
 * Idempotent: bounding a bounded text changes nothing.
 */
export function serverText(text: string, secrets: readonly (string | undefined)[] = [], max = MAX_SERVER_TEXT): string {
  const clean = scrub(text, secrets)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return clean.length > max ? `${clean.slice(0, max - 1).trimEnd()}…` : clean
}

export class MatrixError extends Error {
  readonly kind: MatrixErrorKind
  readonly endpoint: string
  readonly host: string
  readonly status?: number
  readonly errcode?: string
  /** The server's own explanation, if it gave one (scrubbed). */
  readonly error?: string
  /** With M_UNKNOWN_TOKEN / M_USER_LOCKED: true keeps the device (sign in again with its id). */
  readonly softLogout: boolean
  /** How long the server asked us to wait, when it was rate-limited. */
  readonly retryAfterMs?: number
  /** Where the person can do this instead (servers run by MAS manage devices on a web page). */
  readonly accountManagementUrl?: string
  /** The UIA state the server answered with, for `kind: 'uia'`. */
  readonly uia?: UiaState
  /** The UIA stage that failed or that we cannot complete. */
  readonly stage?: string
  readonly discovery?: DiscoveryFailure

  constructor(init: MatrixErrorInit) {
    super(scrub(init.message, init.secrets), init.cause === undefined ? undefined : { cause: init.cause })
    this.name = 'MatrixError'
    this.kind = init.kind
    this.endpoint = init.endpoint
    this.host = init.host
    if (init.status !== undefined) this.status = init.status
    if (init.errcode !== undefined) this.errcode = init.errcode
    if (init.error !== undefined) this.error = serverText(init.error, init.secrets)
    this.softLogout = init.softLogout ?? false
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs
    if (init.accountManagementUrl !== undefined) this.accountManagementUrl = init.accountManagementUrl
    if (init.uia !== undefined) this.uia = init.uia
    if (init.stage !== undefined) this.stage = init.stage
    if (init.discovery !== undefined) this.discovery = init.discovery
  }

  /** Copy with some fields changed (the message is rebuilt by the caller). */
  with(changes: Partial<MatrixErrorInit>): MatrixError {
    return new MatrixError({ ...this.toInit(), ...changes })
  }

  toInit(): MatrixErrorInit {
    const init: MatrixErrorInit = { kind: this.kind, endpoint: this.endpoint, host: this.host, message: this.message, softLogout: this.softLogout }
    if (this.status !== undefined) init.status = this.status
    if (this.errcode !== undefined) init.errcode = this.errcode
    if (this.error !== undefined) init.error = this.error
    if (this.retryAfterMs !== undefined) init.retryAfterMs = this.retryAfterMs
    if (this.accountManagementUrl !== undefined) init.accountManagementUrl = this.accountManagementUrl
    if (this.uia !== undefined) init.uia = this.uia
    if (this.stage !== undefined) init.stage = this.stage
    if (this.discovery !== undefined) init.discovery = this.discovery
    if (this.cause !== undefined) init.cause = this.cause
    return init
  }

  /** A plain object for logs and IPC: every field, no stack. */
  toJSON(): Record<string, unknown> {
    const { cause: _cause, ...rest } = this.toInit()
    return { name: this.name, ...rest }
  }
}

export function isMatrixError(value: unknown, kind?: MatrixErrorKind): value is MatrixError {
  return value instanceof MatrixError && (kind === undefined || value.kind === kind)
}

/** "30 seconds", "1 second", "2 minutes" — for sentences. */
export function humanDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`
  const s = Math.round(ms / 1000)
  if (s < 120) return s === 1 ? '1 second' : `${s} seconds`
  const m = Math.round(s / 60)
  return `${m} minutes`
}
