// The sentences a person reads when a call fails. Each names the server and says what happened in
// words, not codes; the code is in MatrixError.kind / errcode for programs.

import { describeWait } from './wait'
import { humanDuration } from './errors'
import type { HttpFailure } from './http'

/** "the sign-in" → "The sign-in". */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function withoutFinalStop(text: string): string {
  return text.replace(/[.!\s]+$/, '')
}

const TLS_UNTRUSTED = /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|ERR_TLS_CERT_ALTNAME_INVALID)/

export function networkSentence(host: string, label: string, failure: HttpFailure, limits: { connectTimeoutMs: number; timeoutMs: number }): string {
  switch (failure.reason) {
    case 'connect-timeout':
      return `${host} did not accept a connection within ${humanDuration(limits.connectTimeoutMs)}.`
    case 'timeout':
      return `${host} did not answer ${label} within ${humanDuration(limits.timeoutMs)}.`
    case 'truncated':
      return `${host} cut off its answer to ${label} before the end.`
    case 'too-large':
      return `${host} answered ${label} with far more data than expected, so Latchkey stopped reading.`
    case 'cancelled':
      return `${capitalise(label)} on ${host} was cancelled.`
    case 'redirect-loop':
      return `${host} redirected ${label} in a loop.`
    case 'network':
      break
  }
  const code = failure.code ?? ''
  if (failure.gotHeaders) return `The connection to ${host} broke while it was answering ${label}.`
  switch (code) {
    case 'ECONNREFUSED':
      return `Could not reach ${host}: the connection was refused.`
    case 'ENOTFOUND':
      return `Could not reach ${host}: no server by that name was found.`
    case 'EAI_AGAIN':
      return `Could not reach ${host}: the name could not be looked up (check the network connection).`
    case 'ECONNRESET':
    case 'EPIPE':
      return `The connection to ${host} was closed before it answered ${label}.`
    case 'ETIMEDOUT':
      return `Could not reach ${host}: the connection timed out.`
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENETDOWN':
      return `Could not reach ${host}: there is no route to it (check the network connection).`
  }
  if (TLS_UNTRUSTED.test(code)) return `Could not reach ${host} securely: its certificate is not trusted (${code}).`
  if (code.startsWith('ERR_SSL') || code === 'EPROTO') return `Could not reach ${host} securely: the secure connection failed (${code}).`
  return `Could not reach ${host} (${code || 'unknown network error'}).`
}

function httpStatusText(status: number, statusText?: string): string {
  return statusText ? `HTTP ${status} ${statusText}` : `HTTP ${status}`
}

export function refusedSentence(host: string, label: string, status: number, errcode: string | undefined, error: string | undefined): string {
  const detail = error ? withoutFinalStop(error) : undefined
  if (errcode) return `${host} refused ${label}: ${detail ? `${detail} (${errcode})` : errcode}.`
  return `${host} refused ${label} (${httpStatusText(status)}).`
}

export function serverFailedSentence(host: string, label: string, status: number, statusText: string | undefined, html: boolean): string {
  const page = html ? ' with an error page' : ''
  return `${host} failed to handle ${label}${page} (${httpStatusText(status, statusText)}); the server or a proxy in front of it is having trouble. Try again later.`
}

export function rateLimitedSentence(host: string, label: string, retryAfterMs: number | undefined): string {
  if (retryAfterMs === undefined) return `${host} is limiting requests; try ${label} again in a little while.`
  return `${host} asks to wait ${describeWait(retryAfterMs)} before ${label} can be tried again.`
}

export function loggedOutSentence(host: string, soft: boolean): string {
  return soft
    ? `The session on ${host} has expired; sign in again to continue on this device.`
    : `The session on ${host} has ended (signed out or revoked on the server); sign in again.`
}

export function lockedSentence(host: string, error: string | undefined): string {
  const why = error ? `: ${withoutFinalStop(error)}` : ''
  return `The account on ${host} is locked${why}. It works again once the server's administrators unlock it.`
}

export function unsupportedSentence(host: string, label: string): string {
  return `${host} does not offer ${label}.`
}

export function uiaNeededSentence(host: string, label: string): string {
  return `${host} asks you to confirm your identity before ${label}.`
}

export function fill(template: string, host: string): string {
  return template.split('{host}').join(host)
}
