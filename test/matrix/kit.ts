// Factories for the protocol layer's tests: a shared test homeserver per test (every exchange
// checked against the OpenAPI spec afterwards) and clients pointed at it. Not exported from index.ts.

import { afterEach, beforeEach } from 'vitest'
import { startHomeserver } from '../homeserver/index'
import type { HomeserverOptions, TestHomeserver, UserSeed } from '../homeserver/index'
import { assertRequestsConformToSpec } from '../spec/openapi'
import { MatrixClient, type MatrixClientOptions } from '../../src/main/matrix/client'
import { MatrixError } from '../../src/main/matrix/errors'
import type { TransportOptions } from '../../src/main/matrix/transport'

export const alice = (over: Partial<UserSeed> = {}): UserSeed => ({ localpart: 'alice', password: 'wonderland', displayName: 'Alice', avatarMxc: 'mxc://localhost/aliceavatar', ...over })
export const bob = (over: Partial<UserSeed> = {}): UserSeed => ({ localpart: 'bob', password: 'builder', email: 'bob@example.org', phone: '+447700900123', ...over })
/** SSO-only: UIA offers m.login.sso, not a password. */
export const carol = (over: Partial<UserSeed> = {}): UserSeed => ({ localpart: 'carol', displayName: 'Carol', ...over })

/** Short timeouts so that a hung server fails a test in seconds, not half a minute. */
export const FAST: TransportOptions = { connectTimeoutMs: 2_000, timeoutMs: 3_000 }

export interface Kit {
  readonly hs: TestHomeserver
  /** A client for this homeserver, with the versions it advertises. */
  client(over?: Partial<MatrixClientOptions>): MatrixClient
  /** A client signed in as `localpart` by password (no refresh token unless asked). */
  signedIn(localpart?: string, password?: string, over?: Partial<MatrixClientOptions> & { refreshToken?: boolean }): Promise<MatrixClient>
}

export function useHomeserver(options: HomeserverOptions = {}): Kit {
  let hs: TestHomeserver | undefined
  let versions: string[] = []
  beforeEach(async () => {
    hs = await startHomeserver({ users: [alice(), bob(), carol()], ...options })
    const v = (await (await fetch(`${hs.url}/_matrix/client/versions`)).json()) as { versions: string[] }
    versions = v.versions
    hs.clearRequests()
  })
  afterEach(async () => {
    const server = hs
    hs = undefined
    if (!server) return
    await server.close()
    // Faulted exchanges are skipped by the validator; everything else must follow the spec.
    assertRequestsConformToSpec(server.requests)
  })
  const kit: Kit = {
    get hs() {
      if (!hs) throw new Error('no homeserver outside a test')
      return hs
    },
    client: (over = {}) => new MatrixClient({ baseUrl: kit.hs.url, versions, transport: FAST, ...over }),
    signedIn: async (localpart = 'alice', password = 'wonderland', over = {}) => {
      const { refreshToken, ...rest } = over
      const client = kit.client(rest)
      await client.login({ type: 'password', identifier: { kind: 'user', user: localpart }, password, refreshToken: refreshToken ?? false })
      return client
    },
  }
  return kit
}

/** The MatrixError a promise rejects with (fails the test if it resolves or throws something else). */
export async function rejection(p: Promise<unknown>): Promise<MatrixError> {
  try {
    await p
  } catch (e) {
    if (e instanceof MatrixError) return e
    throw new Error(`expected a MatrixError, got ${String(e)}`, { cause: e })
  }
  throw new Error('expected a MatrixError, but the call succeeded')
}
