/**
 * `latchkey oauth` in child processes against the test homeserver's OAuth mode: the browser sign-in,
 * the device code for a machine without a browser, and `latchkey sso` where the server has none.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHomeserver, type TestHomeserver } from '../../test/homeserver'
import { runCli, startCli } from '../../test/service/run-cli'
import { PASSWORDS, USERS } from '../../test/service/harness'
import { browse } from '../../test/sso/browser'
import { EXIT } from './exit-codes'

let hs: TestHomeserver
const homes: string[] = []
const memory = { LATCHKEY_SECRET_STORE: 'memory' }
const ALICE = { username: 'alice', password: PASSWORDS.alice }

async function home(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'latchkey-cli-oauth-'))
  homes.push(dir)
  return dir
}

beforeAll(async () => {
  hs = await startHomeserver({ users: USERS, oauth: { deviceIntervalSeconds: 1 } })
})

afterAll(async () => {
  await hs.close()
  for (const dir of homes) await rm(dir, { recursive: true, force: true })
})

describe('latchkey oauth', () => {
  it('is what latchkey discover offers first on such a server', async () => {
    const run = await runCli(['discover', hs.url], { env: { ...memory, LATCHKEY_HOME: await home() } })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Sign in with: the server's own page \(latchkey oauth, or --device-code\), password/m)
  }, 60_000)

  it('signs in on the server’s page in the browser and adds the account', async () => {
    const cli = startCli(['oauth', hs.url, '--json'], { env: { ...memory, LATCHKEY_HOME: await home() } })
    const [, url] = await cli.waitFor(/Open this address in your browser to continue:\n\s+(\S+)\n/)
    await cli.waitFor(/Waiting for the browser/)
    const page = await browse(url!, { fields: ALICE })
    const run = await cli.done
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ userId: '@alice:localhost', authApi: 'oauth', status: 'active' })
    expect(page.text).toContain('@alice:localhost')
  }, 60_000)

  it('shows a code and an address with --device-code, and adds the account once it is confirmed elsewhere', async () => {
    const cli = startCli(['oauth', hs.url, '--device-code', '--json'], { env: { ...memory, LATCHKEY_HOME: await home() } })
    const [, address, code] = await cli.waitFor(/Open (\S+) on any device and enter the code (\S+)\n/)
    await cli.waitFor(/Waiting for you to confirm it/)
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/device$/)
    // The person types the code into the page, as on another device.
    await browse(`${address}?user_code=${encodeURIComponent(code!)}`, { forms: 3, fields: ALICE })
    const run = await cli.done
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ userId: '@alice:localhost', authApi: 'oauth' })
    expect(run.stderr).toMatch(/▄|█/)
  }, 60_000)

  it('cancels a waiting device-code sign-in on Ctrl+C with exit code 130', async () => {
    const cli = startCli(['oauth', hs.url, '--device-code', '--no-qr'], { env: { ...memory, LATCHKEY_HOME: await home() } })
    await cli.waitFor(/Waiting for you to confirm it/)
    cli.kill('SIGINT')
    const run = await cli.done
    expect(run.code).toBe(EXIT.cancelled)
  }, 60_000)
})

describe('latchkey sso where the server has no single sign-on', () => {
  it('says so instead of opening a dead address', async () => {
    const oauthOnly = await startHomeserver({ users: USERS, oauth: { profile: 'well-known' } })
    try {
      const run = await runCli(['sso', oauthOnly.url], { env: { ...memory, LATCHKEY_HOME: await home() } })
      expect(run.code).not.toBe(0)
      expect(run.stderr).toMatch(/does not offer single sign-on/)
      expect(run.stderr).not.toMatch(/Open this address/)
    } finally {
      await oauthOnly.close()
    }
  }, 60_000)
})
