import type { UserIdentifier } from '../../../shared/contract'

/**
 * What a person types in "Username" becomes a Matrix identifier: an email address when it looks
 * like one, else a user (a localpart or a full @user:server id, which the server accepts as is).
 */
export function toIdentifier(input: string): UserIdentifier {
  const value = input.trim()
  if (!value.startsWith('@') && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
    return { kind: 'email', address: value }
  }
  return { kind: 'user', user: value }
}

/** A full Matrix user ID typed where a server or a username was expected: its two halves. */
export function splitMatrixId(input: string): { localpart: string; server: string } | null {
  const match = /^@([^:\s]+):([^\s/]+)$/.exec(input.trim())
  return match ? { localpart: match[1]!, server: match[2]! } : null
}
