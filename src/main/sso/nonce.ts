import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * A fresh unguessable value: 32 random bytes (256 bits), base64url without padding
 * (43 characters of `[A-Za-z0-9_-]`), safe in a URL path and in an OAuth `state`.
 */
export function randomNonce(): string {
  return randomBytes(32).toString('base64url')
}

/**
 * Compares a received value with a secret without leaking, through timing, how much of it
 * matched. Hashing first gives equal-length inputs to timingSafeEqual whatever was received.
 */
export function sameSecret(received: string, secret: string): boolean {
  const a = createHash('sha256').update(received, 'utf8').digest()
  const b = createHash('sha256').update(secret, 'utf8').digest()
  return timingSafeEqual(a, b)
}
