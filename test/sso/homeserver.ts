// The SSO tests' homeserver: a fresh one for every test, so no test sees another's devices or
// tokens, and every request it served is checked against the spec when the test ends. Test
// support only; not exported from index.ts.
import { afterEach, beforeEach } from 'vitest'
import { startHomeserver, type HomeserverOptions, type TestHomeserver, type UserSeed } from '../homeserver/index'
import { assertRequestsConformToSpec } from '../spec/openapi'
import type { TransportOptions } from '../../src/main/matrix'

export const alice = (over: Partial<UserSeed> = {}): UserSeed => ({ localpart: 'alice', password: 'wonderland', displayName: 'Alice', ...over })
/** SSO-only: no password, so the homeserver's UIA offers only m.login.sso. */
export const carol = (over: Partial<UserSeed> = {}): UserSeed => ({ localpart: 'carol', displayName: 'Carol', ...over })

/** Short enough that a test about an unreachable server fails fast, long enough for a busy machine. */
export const FAST: TransportOptions = { connectTimeoutMs: 2_000, timeoutMs: 3_000 }

export interface HomeserverPerTest {
  /** Replaces this test's homeserver with one started with these options (users: alice and carol). */
  homeserver(options?: HomeserverOptions): Promise<TestHomeserver>
  /** This test's homeserver. */
  server(): TestHomeserver
}

/**
 * Starts a homeserver before each test of the calling file and closes it after. `beforeClose`
 * runs first, for what must end while the server still answers (a sign-in still waiting on it).
 */
export function homeserverPerTest(beforeClose?: () => Promise<void>): HomeserverPerTest {
  let hs: TestHomeserver | undefined

  async function homeserver(options: HomeserverOptions = {}): Promise<TestHomeserver> {
    if (hs) await hs.close()
    hs = await startHomeserver({ users: [alice(), carol()], ...options })
    return hs
  }

  function server(): TestHomeserver {
    if (!hs) throw new Error('no homeserver')
    return hs
  }

  beforeEach(async () => {
    await homeserver()
  })

  afterEach(async () => {
    await beforeClose?.()
    const last = hs
    hs = undefined
    if (last) {
      await last.close()
      assertRequestsConformToSpec(last.requests)
    }
  })

  return { homeserver, server }
}
