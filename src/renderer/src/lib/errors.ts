import { ContractError } from '../../../shared/errors'
import type { ErrorCode } from '../../../shared/errors'

/** A sentence for any failure: the service's own words, or an honest fallback (never a stack). */
export function sentence(error: unknown): string {
  if (error instanceof ContractError) return error.message
  return 'Something went wrong inside Latchkey. Nothing was changed; please try again.'
}

/** The protocol's words behind a failure (status codes, paths), for a "Details" disclosure. */
export function detailOf(error: unknown): string | undefined {
  return error instanceof ContractError ? error.detail : undefined
}

export function hasCode(error: unknown, ...codes: ErrorCode[]): error is ContractError {
  return error instanceof ContractError && codes.includes(error.code)
}

/** Errors about where the server is, rather than about what the person typed. */
export const SERVER_CODES: ErrorCode[] = ['unreachable', 'bad-response', 'server-error', 'unsupported']
