/**
 * The real `latchkey` in child processes against a test homeserver. The flows that span several
 * commands need tokens to outlive a process, so they use the real keychain (a Secret Service, as
 * inside scripts/with-keyring.sh and `npm test`) under a service name of their own; where none
 * answers they are reported as skipped, by name (LATCHKEY_REQUIRE_KEYCHAIN=1 makes that a failure).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keychainRequired, probeKeychain, SKIPPED_WITHOUT_KEYCHAIN } from '../../test/accounts/keychain'
import { parseLoginPayload } from '../main/service/login-payload'
import { startHomeserver, type TestHomeserver } from '../../test/homeserver'
import { outputs, runCli, startCli, type CliRun } from '../../test/service/run-cli'
import { issuedTokens, PASSWORDS, ScriptedBrowser, USERS } from '../../test/service/harness'
import { newCrossSigningIdentity, newDeviceKeys, verifiedBy } from '../../test/homeserver/cross-signing'
import type { Account, AccountsSnapshot, Device } from '../shared/contract'
import { EXIT } from './exit-codes'

const probe = await probeKeychain()
let hs: TestHomeserver
const homes: string[] = []

async function home(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'latchkey-cli-'))
  homes.push(dir)
  return dir
}

beforeAll(async () => {
  hs = await startHomeserver({ users: USERS, flows: { sso: true, identityProviders: [{ id: 'oidc', name: 'Example ID' }] } })
})

afterAll(async () => {
  await hs.close()
  for (const dir of homes) await rm(dir, { recursive: true, force: true })
  if (probe.available) {
    for (const { account } of await probe.keytar.findCredentials(probe.service)) await probe.keytar.deletePassword(probe.service, account)
  }
})

/** stderr holds exactly one line: the sentence. */
function oneSentence(run: CliRun): string {
  const lines = run.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('LATCHKEY_SECRET_STORE=memory'))
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^\S.*[.)]$/)
  return lines[0]!
}

describe('latchkey without a keychain (any machine)', () => {
  const memory = { LATCHKEY_SECRET_STORE: 'memory' }

  it('prints help with the exit codes, and exits 0', async () => {
    const run = await runCli(['--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/Exit codes:/)
    expect(run.stdout).toMatch(/sign-out-devices/)
  })

  it('adds the protocol’s details below the sentence only when LATCHKEY_DEBUG=1 asks for them', async () => {
    const proxied = await startHomeserver({ users: USERS })
    try {
      proxied.setFault('versions', { kind: 'status', status: 502 })
      const env = { ...memory, LATCHKEY_HOME: await home() }
      const plain = await runCli(['discover', proxied.url], { env })
      expect(plain.code).not.toBe(0)
      const sentence = oneSentence(plain)
      expect(sentence).not.toMatch(/\/_matrix|502/)
      const debug = await runCli(['discover', proxied.url], { env: { ...env, LATCHKEY_DEBUG: '1' } })
      const lines = debug.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('LATCHKEY_SECRET_STORE=memory'))
      expect(lines[0]).toBe(sentence)
      expect(lines[1]).toMatch(/^Details: .*502/)
      expect(lines).toHaveLength(2)
    } finally {
      await proxied.close()
    }
  })

  it('has --help on every command', async () => {
    const run = await runCli(['token', '--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/--password-stdin/)
  })

  it('answers an unknown command with one sentence and exit code 2', async () => {
    const run = await runCli(['bogus'])
    expect(run.code).toBe(EXIT.usage)
    expect(oneSentence(run)).toMatch(/^Unknown command 'bogus'/)
  })

  it('never takes a password from the command line', async () => {
    const run = await runCli(['add', hs.url, 'alice', PASSWORDS.alice])
    expect(run.code).toBe(EXIT.usage)
    expect(run.stdout + run.stderr).not.toContain(PASSWORDS.alice)
  })

  it('says so on every command run with the memory switch, and refuses other values of it', async () => {
    const LATCHKEY_HOME = await home()
    const run = await runCli(['accounts'], { env: { ...memory, LATCHKEY_HOME } })
    expect(run.stderr).toMatch(/^LATCHKEY_SECRET_STORE=memory: tokens are kept in memory only/)
    const wrong = await runCli(['accounts'], { env: { LATCHKEY_SECRET_STORE: 'file', LATCHKEY_HOME } })
    expect(wrong.code).toBe(EXIT.usage)
    expect(oneSentence(wrong)).toMatch(/accepts only "memory"/)
  })

  it('adds an account in memory mode; the next process cannot read its token, so check and logout keep it and exit 9', async () => {
    const LATCHKEY_HOME = await home()
    const env = { ...memory, LATCHKEY_HOME }
    const add = await runCli(['add', hs.url, 'alice', '--password-stdin', '--json'], { env, stdin: `${PASSWORDS.alice}\n` })
    expect(add.code).toBe(0)
    const account = JSON.parse(add.stdout) as Account
    expect(account.userId).toBe('@alice:localhost')
    const check = await runCli(['check', '--json'], { env })
    expect(check.code).toBe(EXIT.storage)
    expect(check.stderr).toMatch(/keychain could not be read/)
    expect((JSON.parse(check.stdout) as AccountsSnapshot).accounts[0]).toMatchObject({ id: account.id, status: 'active' })
    const logout = await runCli(['logout'], { env })
    expect(logout.code).toBe(EXIT.storage)
    expect(oneSentence(logout)).toMatch(/keychain could not be read.*kept as it was/)
    expect((JSON.parse((await runCli(['accounts', '--json'], { env })).stdout) as AccountsSnapshot).accounts).toHaveLength(1)
    expect(hs.devicesOf('alice').map((d) => d.deviceId)).toContain(account.deviceId)
  })

  it('exits 3 with the server\'s refusal as one sentence when the password is wrong', async () => {
    const run = await runCli(['add', hs.url, 'alice', '--password-stdin'], { env: { ...memory, LATCHKEY_HOME: await home() }, stdin: 'wrong\n' })
    expect(run.code).toBe(EXIT.auth)
    expect(oneSentence(run)).toBe(`${new URL(hs.url).host} refused the user name or password.`)
  })

  it('exits 4 with a sentence when the server cannot be reached', async () => {
    const run = await runCli(['add', 'http://127.0.0.1:9', 'alice', '--password-stdin'], {
      env: { ...memory, LATCHKEY_HOME: await home() },
      stdin: 'x\n',
    })
    expect(run.code).toBe(EXIT.server)
    expect(oneSentence(run)).toMatch(/127\.0\.0\.1:9/)
  })

  it('signs in through SSO: prints the address, waits for the browser, and adds the account', async () => {
    const cli = startCli(['sso', hs.url, '--idp', 'oidc', '--json'], { env: { ...memory, LATCHKEY_HOME: await home() } })
    const [, url] = await cli.waitFor(/Open this address in your browser to continue:\n\s+(\S+)\n/)
    await cli.waitFor(/Waiting for the browser/)
    const page = await new ScriptedBrowser().signInWithSso(url!, '@carol:localhost')
    const run = await cli.done
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ userId: '@carol:localhost', status: 'active' })
    expect(await page.text()).toContain('Signed in to Latchkey as @carol:localhost')
  }, 60_000)

  it('cancels a waiting SSO sign-in on Ctrl+C with exit code 130', async () => {
    const cli = startCli(['sso', hs.url], { env: { ...memory, LATCHKEY_HOME: await home() } })
    await cli.waitFor(/Waiting for the browser/)
    cli.kill('SIGINT')
    const run = await cli.done
    expect(run.code).toBe(EXIT.cancelled)
    expect(run.stderr.trim().split('\n').at(-1)).toBe('The sign-in was cancelled.')
  }, 60_000)

  it('exits 6 when --account matches nothing', async () => {
    const run = await runCli(['devices', '--account', 'nobody'], { env: { ...memory, LATCHKEY_HOME: await home() } })
    expect(run.code).toBe(EXIT.notFound)
    oneSentence(run)
  })
})

describe.skipIf(!probe.available)(probe.available ? 'latchkey with the keychain, across commands' : SKIPPED_WITHOUT_KEYCHAIN, () => {
  const keychainEnv = (LATCHKEY_HOME: string) => ({ LATCHKEY_HOME, LATCHKEY_KEYCHAIN_SERVICE: probe.available ? probe.service : '' })

  it('adds, lists, shows devices, makes a login token another machine signs in with, and logs out', async () => {
    const env = keychainEnv(await home())
    const add = await runCli(['add', hs.url, 'alice', '--password-stdin'], { env, stdin: `${PASSWORDS.alice}\n` })
    expect(add.code).toBe(0)
    expect(add.stdout).toMatch(/^Added @alice:localhost \(device [A-Z]+\) as account acc_[0-9a-f]{16}\.\n$/)

    const list = await runCli(['accounts', '--json'], { env })
    const snapshot = JSON.parse(list.stdout) as AccountsSnapshot
    expect(snapshot).toMatchObject({ storage: 'keychain', activeId: snapshot.accounts[0]?.id })
    const alice = snapshot.accounts[0]!

    const table = await runCli(['accounts'], { env })
    expect(table.stdout).toMatch(new RegExp(`^\\*\\s+${alice.id}\\s+@alice:localhost\\s+${alice.deviceId}\\s+password\\s+active$`, 'm'))

    const devices = await runCli(['devices', '--json', '--account', '@alice:localhost'], { env })
    expect(devices.code).toBe(0)
    expect((JSON.parse(devices.stdout) as Device[]).find((d) => d.current)?.deviceId).toBe(alice.deviceId)

    const noTty = await runCli(['token'], { env })
    expect(noTty.code).toBe(EXIT.auth)
    expect(oneSentence(noTty)).toMatch(/asks for your password.*--password-stdin/)

    const token = await runCli(['token', '--password-stdin'], { env, stdin: `${PASSWORDS.alice}\n` })
    expect(token.code).toBe(0)
    const payload = token.stdout.split('\n').find((l) => l.startsWith('latchkey://login?'))!
    expect(parseLoginPayload(payload)).toMatchObject({ server: hs.url, userId: '@alice:localhost' })
    expect(token.stdout).toMatch(/[▀▄█]/)
    expect(token.stdout).toMatch(/^Expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in \d+ (seconds|minutes)\)\. It works once\.$/m)

    const other = keychainEnv(await home())
    const signIn = await runCli(['login-token', '--json'], { env: other, stdin: payload })
    expect(signIn.code).toBe(0)
    const second = JSON.parse(signIn.stdout) as Account
    expect(second).toMatchObject({ userId: '@alice:localhost' })
    expect(second.deviceId).not.toBe(alice.deviceId)

    const spent = await runCli(['login-token', '--code', payload], { env: other })
    expect(spent.code).toBe(EXIT.auth)
    expect(oneSentence(spent)).toMatch(/used already or have expired/)

    const logout = await runCli(['logout'], { env })
    expect(logout.code).toBe(0)
    expect(logout.stdout).toMatch(/^Signed @alice:localhost out of localhost and removed the account\.$/m)
    expect(hs.devicesOf('alice').map((d) => d.deviceId)).not.toContain(alice.deviceId)
    expect((JSON.parse((await runCli(['accounts', '--json'], { env })).stdout) as AccountsSnapshot).accounts).toEqual([])
  }, 120_000)

  it('signs other devices out with one password, and refuses Latchkey\'s own device', async () => {
    const env = keychainEnv(await home())
    await runCli(['add', hs.url, 'bob', '--password-stdin'], { env, stdin: `${PASSWORDS.bob}\n` })
    hs.addDevices('bob', 3)
    const devices = JSON.parse((await runCli(['devices', '--json'], { env })).stdout) as Device[]
    const others = devices.filter((d) => !d.current).map((d) => d.deviceId)
    const own = devices.find((d) => d.current)!.deviceId

    const refused = await runCli(['sign-out-devices', own, '--yes', '--password-stdin'], { env, stdin: `${PASSWORDS.bob}\n` })
    expect(refused.code).toBe(EXIT.usage)
    oneSentence(refused)

    const noConfirm = await runCli(['sign-out-devices', ...others], { env })
    expect(noConfirm.code).toBe(EXIT.usage)
    expect(oneSentence(noConfirm)).toMatch(/--yes/)

    const done = await runCli(['sign-out-devices', ...others, '--yes', '--password-stdin'], { env, stdin: `${PASSWORDS.bob}\n` })
    expect(done.code).toBe(0)
    expect(done.stdout).toBe('Signed out 3 device(s).\n')
    expect(done.stderr).toMatch(/Signed out 3 of 3 devices\./)
    expect(hs.devicesOf('bob').map((d) => d.deviceId)).toEqual([own])

    const rename = await runCli(['rename-device', own, 'CLI laptop', '--json'], { env })
    expect(JSON.parse(rename.stdout)).toMatchObject({ deviceId: own, displayName: 'CLI laptop', current: true })
  }, 120_000)

  it('exits 10 when logout cannot reach the server, and check finishes it later', async () => {
    const env = keychainEnv(await home())
    await runCli(['add', hs.url, 'alice', '--password-stdin'], { env, stdin: `${PASSWORDS.alice}\n` })
    hs.setFault('logout', { kind: 'status', status: 503 })
    try {
      const logout = await runCli(['logout'], { env })
      expect(logout.code).toBe(EXIT.pending)
      expect(logout.stdout).toMatch(/pending logout/)
      const check = await runCli(['check'], { env })
      expect(check.code).toBe(EXIT.pending)
    } finally {
      hs.setFault('logout', null)
    }
    const check = await runCli(['check', '--json'], { env })
    expect(check.code).toBe(0)
    expect((JSON.parse(check.stdout) as AccountsSnapshot).accounts).toEqual([])
  }, 120_000)

  it('check names a device that signed in since the last report once, with exit code 14; review lists it as new', async () => {
    const env = keychainEnv(await home())
    const alice = JSON.parse((await runCli(['add', hs.url, 'alice', '--password-stdin', '--json'], { env, stdin: `${PASSWORDS.alice}\n` })).stdout) as Account
    // The first look: everything present counts as seen.
    expect((await runCli(['check'], { env })).code).toBe(0)
    hs.addDevice('alice', { deviceId: 'STRANGER', displayName: 'Firefox on Windows', lastSeenTs: Date.now() })

    const first = await runCli(['check'], { env })
    expect(first.code).toBe(EXIT.newDevice)
    expect(first.stdout).toMatch(/^New sign-in to @alice:localhost: STRANGER, first seen /m)
    const again = await runCli(['check', '--json'], { env })
    expect(again.code).toBe(0)
    expect((JSON.parse(again.stdout) as { newDevices: unknown[] }).newDevices).toEqual([])

    // Reported to the command line, but still New for the app.
    const review = await runCli(['review', '--json'], { env })
    expect(review.code).toBe(0)
    const accounts = (JSON.parse(review.stdout) as { accounts: Array<{ accountId: string; new: string[] }> }).accounts
    expect(accounts.find((a) => a.accountId === alice.id)?.new).toContain('STRANGER')
    const text = await runCli(['review'], { env })
    expect(text.stdout).toMatch(/new since you last looked/)
    expect(text.stdout).toMatch(/new +STRANGER +Firefox on Windows/)
  }, 120_000)

  it('review withholds "verified" after the verification identity changed, until confirm-identity says the person reset it', async () => {
    const env = keychainEnv(await home())
    // Carol, so that no other test's devices or keys are in the way.
    hs.addUser({ localpart: 'carol', password: 'carol-password-1' })
    const carol = JSON.parse((await runCli(['add', hs.url, 'carol', '--password-stdin', '--json'], { env, stdin: 'carol-password-1\n' })).stdout) as Account
    const identity = newCrossSigningIdentity(carol.userId)
    hs.setCrossSigningKeys('carol', { master: identity.masterJson, selfSigning: identity.selfSigningJson })
    hs.addDevice('carol', { deviceId: 'PHONE', displayName: 'Pixel 8' })
    hs.setDeviceKeys('carol', 'PHONE', verifiedBy(identity, newDeviceKeys(carol.userId, 'PHONE').json))
    const phoneState = async (): Promise<string | undefined> => {
      const run = await runCli(['review', '--json'], { env })
      const review = (JSON.parse(run.stdout) as { accounts: Array<{ accountId: string; devices: Device[] }> }).accounts.find((a) => a.accountId === carol.id)
      return review?.devices.find((d) => d.deviceId === 'PHONE')?.verification?.state
    }
    expect(await phoneState()).toBe('verified')
    const nothing = await runCli(['confirm-identity', '--account', carol.id], { env })
    expect(nothing.stdout).toMatch(/has not changed since Latchkey first saw it/)

    const swapped = newCrossSigningIdentity(carol.userId)
    hs.setCrossSigningKeys('carol', { master: swapped.masterJson, selfSigning: swapped.selfSigningJson })
    hs.setDeviceKeys('carol', 'PHONE', verifiedBy(swapped, newDeviceKeys(carol.userId, 'PHONE').json))
    expect(await phoneState()).toBe('unknown')
    const text = await runCli(['review'], { env })
    expect(text.stdout).toMatch(/WARNING: .* no session of it is called verified\. .*latchkey confirm-identity --account @carol:localhost/)

    const refused = await runCli(['confirm-identity', '--account', carol.id], { env })
    expect(refused.code).toBe(EXIT.usage)
    expect(oneSentence(refused)).toMatch(/add --yes/)
    expect(await phoneState()).toBe('unknown')
    const confirmed = await runCli(['confirm-identity', '--yes', '--account', carol.id], { env })
    expect(confirmed.code).toBe(0)
    expect(confirmed.stdout).toMatch(/^Confirmed: /)
    expect(await phoneState()).toBe('verified')
  }, 120_000)

  it('switches the active account by label, and forgets one without revoking it', async () => {
    const env = keychainEnv(await home())
    await runCli(['add', hs.url, 'alice', '--password-stdin'], { env, stdin: `${PASSWORDS.alice}\n` })
    const bob = JSON.parse((await runCli(['add', hs.url, 'bob', '--password-stdin', '--json'], { env, stdin: `${PASSWORDS.bob}\n` })).stdout) as Account
    expect((await runCli(['relabel', 'Builder', '--account', bob.id], { env })).code).toBe(0)
    const switched = await runCli(['switch', 'builder', '--json'], { env })
    expect((JSON.parse(switched.stdout) as AccountsSnapshot).activeId).toBe(bob.id)
    const forget = await runCli(['forget', '--yes'], { env })
    expect(forget.code).toBe(0)
    expect(forget.stdout).toMatch(/was not signed out/)
    expect(hs.devicesOf('bob').map((d) => d.deviceId)).toContain(bob.deviceId)
  }, 120_000)
})

it.runIf(!probe.available && keychainRequired())('has a keychain for the CLI flows, because LATCHKEY_REQUIRE_KEYCHAIN=1', () => {
  expect.fail(probe.available ? '' : probe.reason)
})

describe('token confinement in the CLI', () => {
  it('never prints an access or refresh token, and prints a login token only from `token`', async () => {
    const { sessionTokens, loginTokens } = issuedTokens(hs)
    expect(outputs.length).toBeGreaterThan(5)
    for (const run of outputs) {
      const text = run.stdout + run.stderr
      for (const token of sessionTokens) expect(text).not.toContain(token)
      if (run.args[0] !== 'token') {
        for (const token of loginTokens) expect(text).not.toContain(token)
      }
    }
    for (const dir of homes) {
      const file = await readFile(path.join(dir, 'accounts.json'), 'utf8').catch(() => '')
      for (const token of [...sessionTokens, ...loginTokens]) expect(file).not.toContain(token)
    }
  })
})
