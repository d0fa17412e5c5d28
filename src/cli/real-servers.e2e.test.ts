/**
 * The real `latchkey` in child processes against test homeservers that behave like real releases
 * (REAL-SERVERS.md). Tokens outlive a process only in a keychain, so these need one (as inside
 * scripts/with-keyring.sh and `npm test`); without one they are reported skipped, by name.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeKeychain, SKIPPED_WITHOUT_KEYCHAIN } from '../../test/accounts/keychain'
import { parseLoginPayload } from '../main/service/login-payload'
import { startHomeserver, type TestHomeserver } from '../../test/homeserver'
import { runCli } from '../../test/service/run-cli'
import { PASSWORDS, USERS } from '../../test/service/harness'

const probe = await probeKeychain()
let synapse197: TestHomeserver
let home: string

beforeAll(async () => {
  synapse197 = await startHomeserver({ users: USERS, profile: 'synapse-1.97' })
  home = await mkdtemp(path.join(tmpdir(), 'latchkey-cli-real-'))
})

afterAll(async () => {
  await synapse197.close()
  await rm(home, { recursive: true, force: true })
  if (probe.available) {
    for (const { account } of await probe.keytar.findCredentials(probe.service)) await probe.keytar.deletePassword(probe.service, account)
  }
})

describe.skipIf(!probe.available)(probe.available ? 'latchkey against a server that behaves like Synapse 1.97' : SKIPPED_WITHOUT_KEYCHAIN, () => {
  it('makes a login token, though the server advertises only v1.6 and answers the unstable path 404', async () => {
    const env = { LATCHKEY_HOME: home, LATCHKEY_KEYCHAIN_SERVICE: probe.available ? probe.service : '' }
    const add = await runCli(['add', synapse197.url, 'alice', '--password-stdin'], { env, stdin: `${PASSWORDS.alice}\n` })
    expect(add.code).toBe(0)
    const token = await runCli(['token', '--password-stdin'], { env, stdin: `${PASSWORDS.alice}\n` })
    expect(token.stderr).toBe('')
    expect(token.code).toBe(0)
    const payload = token.stdout.split('\n').find((l) => l.startsWith('latchkey://login?'))!
    expect(parseLoginPayload(payload)).toMatchObject({ server: synapse197.url, userId: '@alice:localhost' })
  }, 60_000)
})
