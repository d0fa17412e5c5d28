/**
 * The keytar store against a real Secret Service. These run only where one answers: inside
 * `scripts/with-keyring.sh npx vitest run src/main/accounts`. Elsewhere the suite is reported as
 * skipped, by name, and with LATCHKEY_REQUIRE_KEYCHAIN=1 the run fails instead.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { SecretStoreError } from './errors'
import { openSecretStore } from './open-secret-store'
import { secretKey } from './secrets'
import { keychainRequired, probeKeychain, SKIPPED_WITHOUT_KEYCHAIN } from '../../../test/accounts/keychain'

const probe = await probeKeychain()
const available = probe.available

/** The probe, for tests that run only when it found a keychain. */
function live() {
  if (!probe.available) throw new Error('the keychain tests ran without a keychain')
  return probe
}

afterAll(async () => {
  if (!probe.available) return
  for (const { account } of await probe.keytar.findCredentials(probe.service)) {
    await probe.keytar.deletePassword(probe.service, account)
  }
})

it.runIf(!available && keychainRequired())(
  'has a Secret Service to test against, because LATCHKEY_REQUIRE_KEYCHAIN=1',
  () => {
    expect.fail(`LATCHKEY_REQUIRE_KEYCHAIN=1 but ${probe.available ? '' : probe.reason}`)
  },
)

describe.skipIf(!available)(available ? 'the keytar store against the real Secret Service' : SKIPPED_WITHOUT_KEYCHAIN, () => {
  const alice = secretKey('@alice:example.org', 'LAPTOP')
  const bob = secretKey('@bob:example.org', 'PHONE')

  it('opens the keychain store with no notice', async () => {
    const { store, notice } = await openSecretStore({ service: live().service })
    expect(store.kind).toBe('keychain')
    expect(notice).toBeUndefined()
  })

  it('sets, reads, lists and deletes a session’s secret', async () => {
    const { store, keytar, service } = live()
    const secret = { accessToken: 'syt_real_keychain', refreshToken: 'syr_real_keychain', expiresAt: 1_900_000_000_000 }
    await store.set(alice, secret)
    await store.set(bob, { accessToken: 'syt_bob' })
    expect(await store.get(alice)).toEqual(secret)
    expect(await store.list()).toEqual([alice, bob])
    // Another process (a fresh keytar call) sees the same entry, as one JSON secret.
    expect(JSON.parse((await keytar.getPassword(service, alice))!)).toEqual(secret)

    await store.set(alice, { accessToken: 'syt_refreshed' })
    expect(await store.get(alice)).toEqual({ accessToken: 'syt_refreshed' })

    expect(await store.delete(alice)).toBe(true)
    expect(await store.delete(alice)).toBe(false)
    expect(await store.get(alice)).toBeNull()
    expect(await store.list()).toEqual([bob])
    await store.delete(bob)
  })

  it('reports a corrupt secret as an error on that account only', async () => {
    const { store, keytar, service } = live()
    await store.set(bob, { accessToken: 'syt_bob' })
    await keytar.setPassword(service, alice, 'syt_half_written{')

    const error = await store.get(alice).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SecretStoreError)
    expect(error).toMatchObject({ code: 'corrupt-secret', userId: '@alice:example.org' })
    expect((error as Error).message).not.toContain('syt_half_written')
    expect(await store.get(bob)).toEqual({ accessToken: 'syt_bob' })
    expect(await store.list()).toEqual([alice, bob])
    expect(await store.delete(alice)).toBe(true)
    await store.delete(bob)
  })
})
