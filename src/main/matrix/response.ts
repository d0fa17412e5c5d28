// Reading an answer: status, headers and bytes in; the endpoint's typed value or a MatrixError
// out. Pure (no I/O), so the property tests can throw arbitrary bytes at it.

import type { Endpoint } from './endpoint'
import { MatrixError, serverText, type MatrixErrorKind } from './errors'
import {
  fill,
  lockedSentence,
  loggedOutSentence,
  rateLimitedSentence,
  refusedSentence,
  serverFailedSentence,
  uiaNeededSentence,
  unsupportedSentence,
} from './sentences'
import type { UiaFlow, UiaState } from './uia-state'
import { isPlainObject, ShapeError } from './validate'

export interface RawResponse {
  status: number
  statusText?: string
  headers: Readonly<Record<string, string | string[] | undefined>>
  body: Uint8Array
}

export interface ReadContext {
  host: string
  secrets?: readonly (string | undefined)[]
  /** For Retry-After given as an HTTP date. */
  now?: () => number
}

/** An errcode is a short namespaced name (M_FORBIDDEN); a reason phrase a few words. */
const MAX_ERRCODE = 64
const MAX_STATUS_TEXT = 64
/** A wait longer than a week is read as a week: the number goes into timers and countdowns. */
export const MAX_RETRY_AFTER_MS = 7 * 24 * 3_600_000

const decoder = new TextDecoder('utf-8', { fatal: true })

function header(res: RawResponse, name: string): string | undefined {
  const v = res.headers[name]
  return Array.isArray(v) ? v[0] : v
}

type Body = { ok: true; value: unknown } | { ok: false; why: 'empty' | 'html' | 'not-utf8' | 'not-json' }

function decodeJson(res: RawResponse): Body {
  if (res.body.byteLength === 0) return { ok: false, why: 'empty' }
  let text: string
  try {
    text = decoder.decode(res.body)
  } catch {
    return { ok: false, why: 'not-utf8' }
  }
  const contentType = (header(res, 'content-type') ?? '').toLowerCase()
  if (contentType.startsWith('text/html') || /^\s*</.test(text)) return { ok: false, why: 'html' }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false, why: 'not-json' }
  }
}

function malformed(endpoint: Endpoint<never, unknown>, ctx: ReadContext, sentence: string, status: number, cause?: unknown): MatrixError {
  return new MatrixError({ kind: 'malformed', endpoint: endpoint.name, host: ctx.host, status, message: sentence, secrets: ctx.secrets, cause })
}

function malformedBodySentence(host: string, label: string, why: 'empty' | 'html' | 'not-utf8' | 'not-json'): string {
  switch (why) {
    case 'empty':
      return `${host} answered ${label} with an empty body.`
    case 'html':
      return `${host} answered ${label} with a web page instead of Matrix data; the address may point at a website or a proxy rather than a homeserver.`
    case 'not-utf8':
    case 'not-json':
      return `${host} answered ${label} with data that is not JSON.`
  }
}

/** Milliseconds from `retry_after_ms` or `Retry-After` (seconds or an HTTP date); the larger wins. */
export function retryAfter(res: RawResponse, body: Record<string, unknown> | null, now: () => number): number | undefined {
  let ms: number | undefined
  const fromBody = body?.retry_after_ms
  if (typeof fromBody === 'number' && Number.isFinite(fromBody) && fromBody >= 0) ms = Math.ceil(fromBody)
  const h = header(res, 'retry-after')?.trim()
  if (h) {
    let fromHeader: number | undefined
    if (/^\d+$/.test(h)) fromHeader = Number(h) * 1000
    else {
      const date = Date.parse(h)
      if (!Number.isNaN(date)) fromHeader = Math.max(0, date - now())
    }
    if (fromHeader !== undefined && Number.isFinite(fromHeader)) ms = Math.max(ms ?? 0, fromHeader)
  }
  return ms === undefined ? undefined : Math.min(ms, MAX_RETRY_AFTER_MS)
}

function readUiaState(body: Record<string, unknown>): UiaState | null {
  if (!Array.isArray(body.flows)) return null
  const flows: UiaFlow[] = []
  for (const f of body.flows) {
    if (isPlainObject(f) && Array.isArray(f.stages) && f.stages.every((s) => typeof s === 'string')) {
      flows.push({ stages: f.stages as string[] })
    }
  }
  const params: Record<string, Record<string, unknown>> = {}
  if (isPlainObject(body.params)) {
    for (const [k, v] of Object.entries(body.params)) {
      if (isPlainObject(v)) Object.defineProperty(params, k, { value: v, enumerable: true })
    }
  }
  const completed = Array.isArray(body.completed) ? body.completed.filter((s): s is string => typeof s === 'string') : []
  const state: { -readonly [K in keyof UiaState]: UiaState[K] } = { flows, params, completed }
  if (typeof body.session === 'string') state.session = body.session
  if (typeof body.errcode === 'string') state.errcode = serverText(body.errcode, [], MAX_ERRCODE)
  if (typeof body.error === 'string') state.error = serverText(body.error)
  return state
}

/** Turn a non-2xx answer into the MatrixError it means. */
function errorFor(endpoint: Endpoint<never, unknown>, res: RawResponse, ctx: ReadContext): MatrixError {
  const { host } = ctx
  const { label } = endpoint
  const status = res.status
  const decoded = decodeJson(res)
  const body = decoded.ok && isPlainObject(decoded.value) ? decoded.value : null
  // The server's own words are bounded here, where they enter: every sentence built from them, and
  // every status stored with that sentence, then has a known size (one 503 with a megabyte of
  // `error` must not make accounts.json unwritable).
  const errcode = typeof body?.errcode === 'string' ? serverText(body.errcode, ctx.secrets, MAX_ERRCODE) : undefined
  const error = typeof body?.error === 'string' ? serverText(body.error, ctx.secrets) : undefined
  const statusText = res.statusText === undefined ? undefined : serverText(res.statusText, ctx.secrets, MAX_STATUS_TEXT)
  const base = { endpoint: endpoint.name, host, status, secrets: ctx.secrets }
  const make = (kind: MatrixErrorKind, message: string, extra: Partial<ConstructorParameters<typeof MatrixError>[0]> = {}) => {
    const init = { ...base, kind, message, ...extra }
    if (errcode !== undefined) init.errcode = errcode
    if (error !== undefined) init.error = error
    return new MatrixError(init)
  }
  // The errcode is the server's word: "toString" or "__proto__" must find nothing, not Object.prototype's.
  const sentence = (key: string | undefined) => {
    const sentences = endpoint.sentences
    return key && sentences && Object.hasOwn(sentences, key) ? fill(sentences[key]!, host) : undefined
  }

  if (status === 429 || errcode === 'M_LIMIT_EXCEEDED') {
    const ms = retryAfter(res, body, ctx.now ?? Date.now)
    return make('rate-limited', rateLimitedSentence(host, label, ms), ms === undefined ? {} : { retryAfterMs: ms })
  }
  if (status === 401 && body && endpoint.uia) {
    const uia = readUiaState(body)
    if (uia) return make('uia', uiaNeededSentence(host, label), { uia })
  }
  if (errcode === 'M_UNKNOWN_TOKEN') {
    const soft = body?.soft_logout === true
    return make('logged-out', loggedOutSentence(host, soft), { softLogout: soft })
  }
  if (errcode === 'M_USER_LOCKED') return make('user-locked', lockedSentence(host, error), { softLogout: true })
  if ((status === 404 || status === 405) && (errcode === 'M_UNRECOGNIZED' || errcode === undefined)) {
    return make('unsupported', sentence('unsupported') ?? unsupportedSentence(host, label))
  }
  if (errcode === 'M_UNRECOGNIZED') return make('unsupported', sentence('unsupported') ?? unsupportedSentence(host, label))
  if (status >= 500 && !errcode) {
    return make('http', serverFailedSentence(host, label, status, statusText, !decoded.ok && decoded.why === 'html'))
  }
  return make('http', sentence(errcode) ?? refusedSentence(host, label, status, errcode, error))
}

export function readResponse<R>(endpoint: Endpoint<never, R>, res: RawResponse, ctx: ReadContext): R {
  if (res.status < 200 || res.status > 299) throw errorFor(endpoint, res, ctx)
  const { host } = ctx
  const { label } = endpoint
  try {
    if (endpoint.response.kind === 'bytes') {
      return endpoint.response.parse(res.body, header(res, 'content-type') ?? '')
    }
    const decoded = decodeJson(res)
    if (!decoded.ok) throw malformed(endpoint, ctx, malformedBodySentence(host, label, decoded.why), res.status)
    return endpoint.response.parse(decoded.value, res.body)
  } catch (e) {
    if (e instanceof ShapeError) {
      // A path may hold a key the server chose: bounded like any text of its own.
      const where = e.path ? `${serverText(e.path, ctx.secrets, 100)}: ` : ''
      throw malformed(endpoint, ctx, `${host} answered ${label} with data Latchkey does not understand (${where}${e.problem}).`, res.status, e)
    }
    throw e
  }
}
