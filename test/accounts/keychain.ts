/**
 * Whether a real keychain answers here, for tests that need one. The keychain tests run only
 * where it does (inside scripts/with-keyring.sh on Linux); CI sets LATCHKEY_REQUIRE_KEYCHAIN=1 so
 * that a missing keychain fails the run instead of skipping it silently.
 */
import { randomBytes } from 'node:crypto'
import { KeytarSecretStore, type KeytarLike } from '../../src/main/accounts/keytar-store'
import { loadKeytar, openSecretStore } from '../../src/main/accounts/open-secret-store'

export const SKIPPED_WITHOUT_KEYCHAIN = 'skipped: no Secret Service (run inside scripts/with-keyring.sh)'

export function keychainRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.LATCHKEY_REQUIRE_KEYCHAIN === '1'
}

/** A service name no other run uses, so tests never touch real entries and can remove theirs. */
export function uniqueTestService(): string {
  return `Latchkey-test-${process.pid}-${randomBytes(4).toString('hex')}`
}

export type KeychainProbe =
  | { available: true; keytar: KeytarLike; store: KeytarSecretStore; service: string }
  | { available: false; reason: string }

export async function probeKeychain(service = uniqueTestService()): Promise<KeychainProbe> {
  const { store, notice } = await openSecretStore({ service })
  if (store instanceof KeytarSecretStore) {
    return { available: true, keytar: await loadKeytar(), store, service }
  }
  return { available: false, reason: notice ?? 'no keychain' }
}
