import { afterEach, beforeEach } from 'vitest'
import { assertRequestsConformToSpec } from '../spec/openapi'
import { startHomeserver } from './index'
import type { HomeserverOptions, TestHomeserver, UserSeed } from './types'

// Small factories for the homeserver's own tests.

export const alice = (over: Partial<UserSeed> = {}): UserSeed => ({ localpart: 'alice', password: 'wonderland', displayName: 'Alice', ...over })
export const bob = (over: Partial<UserSeed> = {}): UserSeed => ({
  localpart: 'bob', password: 'builder', email: 'bob@example.org', phone: '+447700900123', ...over,
})
/** An SSO-only account: no password, so UIA offers m.login.sso. */
export const carol = (over: Partial<UserSeed> = {}): UserSeed => ({
  localpart: 'carol', displayName: 'Carol', avatarMxc: 'mxc://localhost/carolavatar', ...over,
})

/**
 * A fresh homeserver per test, with alice, bob and carol unless options.users says otherwise.
 * After each test every recorded exchange is checked against the OpenAPI spec.
 */
export function useHomeserver(options: HomeserverOptions = {}) {
  let hs: TestHomeserver | undefined
  let checkRequests = true
  beforeEach(async () => {
    checkRequests = true
    hs = await startHomeserver({ users: [alice(), bob(), carol()], ...options })
  })
  afterEach(async () => {
    const server = hs!
    hs = undefined
    await server.close()
    assertRequestsConformToSpec(server.requests, { requests: checkRequests })
  })
  return {
    get hs(): TestHomeserver {
      if (!hs) throw new Error('useHomeserver: no homeserver outside a test')
      return hs
    },
    /** For tests that send malformed requests on purpose: only the answers are checked. */
    sendingBadRequestsOnPurpose(): void {
      checkRequests = false
    },
  }
}

export interface Answer {
  status: number
  // Tests read arbitrary fields of the JSON answer.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
  text: string
  headers: Headers
}

export interface CallOptions {
  body?: unknown
  /** Sent as is instead of JSON. */
  raw?: string
  token?: string
  headers?: Record<string, string>
}

export async function call(hs: TestHomeserver, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token !== undefined) headers['Authorization'] = `Bearer ${options.token}`
  let body: string | undefined
  if (options.raw !== undefined) body = options.raw
  else if (options.body !== undefined) body = JSON.stringify(options.body)
  if (body !== undefined) headers['Content-Type'] ??= 'application/json'
  const response = await fetch(hs.url + path, { method, headers, body, redirect: 'manual' })
  const text = await response.text()
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  return { status: response.status, body: parsed, text, headers: response.headers }
}

export const passwordLogin = (user: string, password: string, extra: Record<string, unknown> = {}) => ({
  type: 'm.login.password',
  identifier: { type: 'm.id.user', user },
  password,
  ...extra,
})

export interface Session {
  userId: string
  accessToken: string
  deviceId: string
  refreshToken?: string
}

export async function login(hs: TestHomeserver, user = 'alice', password = 'wonderland', extra: Record<string, unknown> = {}, prefix = 'v3'): Promise<Session> {
  const answer = await call(hs, 'POST', `/_matrix/client/${prefix}/login`, { body: passwordLogin(user, password, extra) })
  if (answer.status !== 200) throw new Error(`login of ${user} failed: ${answer.status} ${answer.text}`)
  return { userId: answer.body.user_id, accessToken: answer.body.access_token, deviceId: answer.body.device_id, refreshToken: answer.body.refresh_token }
}

export const passwordAuth = (session: string, user = 'alice', password = 'wonderland') => ({
  type: 'm.login.password',
  identifier: { type: 'm.id.user', user },
  password,
  session,
})
