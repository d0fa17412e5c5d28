// What a handler answers. The server turns these into bytes; handlers never touch the socket.

export type Reply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string>; /** A test made this answer break the spec on purpose. */ rewritten?: true }
  | { kind: 'html'; status: number; html: string; headers?: Record<string, string> }
  | { kind: 'png'; status: number; bytes: Buffer }
  | { kind: 'redirect'; location: string }
  | { kind: 'empty'; status: number }

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { kind: 'json', status, body, headers } : { kind: 'json', status, body }
}

export function ok(body: unknown = {}): Reply {
  return json(200, body)
}

/** A Matrix error body, as the spec's definitions/errors/error.yaml describes it. */
export function matrixError(status: number, errcode: string, error: string, extra: Record<string, unknown> = {}): Reply {
  return json(status, { errcode, error, ...extra })
}

export function html(status: number, page: string): Reply {
  return { kind: 'html', status, html: page }
}

export function redirect(location: string): Reply {
  return { kind: 'redirect', location }
}

/** Thrown by handlers (and the helpers they call) to answer with a Matrix error. */
export class MatrixReply extends Error {
  constructor(readonly reply: Reply) {
    super('matrix reply')
  }
}

export function fail(status: number, errcode: string, error: string, extra: Record<string, unknown> = {}): never {
  throw new MatrixReply(matrixError(status, errcode, error, extra))
}

export const unrecognized = (what = 'Unrecognized request'): Reply => matrixError(404, 'M_UNRECOGNIZED', what)

/** 429 M_LIMIT_EXCEEDED with the wait in the body (retry_after_ms), the Retry-After header (seconds), or both. */
export function limitExceeded(retryAfterMs: number, style: 'body' | 'header' | 'both' = 'both'): Reply {
  const body: Record<string, unknown> = { errcode: 'M_LIMIT_EXCEEDED', error: 'Too many requests; try again later.' }
  if (style !== 'header') body['retry_after_ms'] = retryAfterMs
  const headers: Record<string, string> = style === 'body' ? {} : { 'Retry-After': String(Math.ceil(retryAfterMs / 1000)) }
  return json(429, body, headers)
}
