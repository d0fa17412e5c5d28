/**
 * Why a browser sign-in did not yield a redirect:
 * - `cancelled`: the person (or the caller's AbortSignal) stopped it;
 * - `timeout`: no browser came back in time;
 * - `idp-error`: the authorisation server sent the browser back with an OAuth `error`;
 * - `listen-failed`: no loopback port could be opened.
 */
export type SsoErrorCode = 'cancelled' | 'timeout' | 'idp-error' | 'listen-failed'

export interface SsoErrorDetails {
  /** OAuth `error` code, for `idp-error` (e.g. `access_denied`). */
  idpError?: string
  /** OAuth `error_description`, for `idp-error`, when the server sent one. */
  idpErrorDescription?: string
}

/** One error type for the listener; its message is a sentence a person can act on and never holds a secret. */
export class SsoError extends Error {
  override readonly name = 'SsoError'
  readonly code: SsoErrorCode
  readonly idpError: string | undefined
  readonly idpErrorDescription: string | undefined

  constructor(code: SsoErrorCode, message: string, details: SsoErrorDetails = {}) {
    super(message)
    this.code = code
    this.idpError = details.idpError
    this.idpErrorDescription = details.idpErrorDescription
  }
}

export function isSsoError(value: unknown): value is SsoError {
  return value instanceof SsoError
}
