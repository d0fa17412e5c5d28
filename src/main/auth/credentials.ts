/**
 * What every way of signing in yields: whom the session belongs to, where it lives, and its
 * tokens. The tokens go to the SecretStore and nowhere else; the rest is the account's metadata.
 */
import type { LoginResult, MatrixClient } from '../matrix'

export interface Credentials {
  userId: string
  deviceId: string
  /** The base URL to use for this session (the login answer's `well_known`, when it gave one). */
  homeserverUrl: string
  accessToken: string
  refreshToken?: string
  /** When the access token expires, in milliseconds since the epoch. */
  expiresAt?: number
}

export interface Tokens {
  accessToken: string
  refreshToken?: string
  expiresAt?: number
}

/** The tokens part, as the SecretStore and MatrixClient keep it (nothing else is copied). */
export function tokensOf(credentials: Tokens): Tokens {
  return {
    accessToken: credentials.accessToken,
    ...(credentials.refreshToken === undefined ? {} : { refreshToken: credentials.refreshToken }),
    ...(credentials.expiresAt === undefined ? {} : { expiresAt: credentials.expiresAt }),
  }
}

export function credentialsFrom(client: MatrixClient, result: LoginResult): Credentials {
  return {
    userId: result.userId,
    deviceId: result.deviceId,
    homeserverUrl: usableBaseUrl(result.wellKnownBaseUrl) ?? client.baseUrl,
    ...tokensOf(result),
  }
}

/**
 * The spec asks clients to follow a login answer's `well_known`; only an http(s) URL is followed,
 * without a trailing slash, so a broken value cannot strand the new session.
 */
function usableBaseUrl(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined
  const parsed = new URL(url)
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined
  if (parsed.username !== '' || parsed.password !== '') return undefined
  return url.replace(/\/+$/, '')
}
