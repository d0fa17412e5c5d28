/**
 * Issue 9 §5 at the command line: a server's words never drive the terminal, and plain http:// to
 * another computer is asked about (on a terminal) or needs --allow-plain-http.
 */
import { PassThrough, Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { cliInProcess } from '../../test/cli/in-process'
import { PASSWORDS, startHarness, type Harness } from '../../test/service/harness'
import { createSessionService } from '../main/service'
import type { Account, Device } from '../shared/contract'
import { EXIT } from './exit-codes'
import { run, type CliIo } from './program'
import { forTerminal, jsonForTerminal } from './terminal'

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

let h: Harness | undefined
afterEach(async () => h?.close())

/** One in-process run of the CLI over the harness's data folder and secrets. */
const cli = (args: string[], stdin = '') => cliInProcess(h!, args, stdin)

describe('what the CLI prints', () => {
  it('shows control characters as � and keeps newlines and tabs', () => {
    expect(forTerminal('a\u001b]0;owned\u0007b\u009b2Jc\u202ed\te\nf\rg')).toBe('a\uFFFD]0;owned\uFFFDb\uFFFD2Jc\uFFFDd\te\nf\uFFFDg')
  })

  it('keeps such characters in JSON as escapes, so the value survives', () => {
    const json = jsonForTerminal(JSON.stringify({ name: 'x\u001b\u009b\u202ey' }))
    expect(json).not.toMatch(CONTROL)
    expect(JSON.parse(json)).toEqual({ name: 'x\u001b\u009b\u202ey' })
  })

  it('lists a device another client named with terminal escapes without a single control character', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    const hostile = `\u001b]0;owned\u0007Phone\u001b[2J\u009b31m\u202eevil ${'x'.repeat(200)}`
    await h.service.renameDevice({ accountId: alice.id, deviceId: alice.deviceId, displayName: hostile })

    const table = await cli(['devices', '--account', alice.id])
    expect(table.code).toBe(EXIT.ok)
    expect(table.stdout).toContain('Phone')
    expect(table.stdout + table.stderr).not.toMatch(CONTROL)

    const json = await cli(['devices', '--account', alice.id, '--json'])
    const devices = JSON.parse(json.stdout) as Device[]
    const name = devices.find((d) => d.deviceId === alice.deviceId)?.displayName ?? ''
    expect(name).toContain('Phone')
    expect(name).not.toMatch(CONTROL)
    expect(name.length).toBeLessThanOrEqual(255)
  })
})

/** A run on a terminal: the password typed with echo off, then `answer` to the first question. */
async function cliOnTerminal(args: string[], password: string, answer: string): Promise<{ code: number; stderr: string }> {
  let stderr = ''
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input })
  const asked = (): void => {
    if (stderr.includes('[y/N]')) setImmediate(() => input.write(answer))
  }
  const io: CliIo = {
    stdin: input,
    stdout: new Writable({ write: (_c: Buffer, _e, done) => done() }),
    stderr: new Writable({ write: (c: Buffer, _e, done) => ((stderr += c.toString()), asked(), done()) }),
    env: { LATCHKEY_HOME: h!.dir },
  }
  setImmediate(() => input.write(`${password}\r`))
  const code = await run(args, io, {
    createService: () => createSessionService({ dataDir: h!.dir, secrets: h!.secrets, watchAccounts: false, deviceName: 'Latchkey CLI test' }),
  })
  return { code, stderr }
}

describe('plain http:// to another computer at the command line', () => {
  it('asks on a terminal, and a yes goes ahead while a no sends nothing more', async () => {
    h = await startHarness({ hs: { loginWellKnown: { 'm.homeserver': { base_url: 'http://chat.example.invalid:8008' } } } })
    const no = await cliOnTerminal(['add', h.hs.url, 'alice'], PASSWORDS.alice, 'n\n')
    expect(no.stderr).toMatch(/over plain http:\/\/.* Continue without encryption\? \[y\/N\]/)
    expect(no.code).toBe(EXIT.cancelled)
    expect(h.hs.devicesOf('alice')).toEqual([])

    const yes = await cliOnTerminal(['add', h.hs.url, 'alice'], PASSWORDS.alice, 'y\n')
    expect(yes.code).toBe(EXIT.ok)
    expect((await h.service.listAccounts(undefined)).accounts.map((a) => a.homeserverUrl)).toEqual(['http://chat.example.invalid:8008'])
  })

  const payload = `latchkey://login?${new URLSearchParams({ hs: 'http://chat.example.invalid:8008', token: 'secret-code', user: '@a:example.invalid' })}`

  it('without a terminal, refuses with exit 11 and one sentence naming --allow-plain-http', async () => {
    h = await startHarness()
    const result = await cli(['login-token'], payload)
    expect(result.code).toBe(EXIT.plainHttp)
    expect(result.stderr.trim().split('\n')).toEqual([
      'The login code would go to chat.example.invalid:8008 over plain http://, unencrypted, where anyone on the network in between could read it and take over the session. Pass --allow-plain-http to go ahead anyway.',
    ])
    expect(result.stdout + result.stderr).not.toContain('secret-code')
  })

  it('goes ahead with --allow-plain-http when a login answer moves the session to plain http://', async () => {
    h = await startHarness({ hs: { loginWellKnown: { 'm.homeserver': { base_url: 'http://chat.example.invalid:8008' } } } })
    const refused = await cli(['add', h.hs.url, 'alice', '--password-stdin'], `${PASSWORDS.alice}\n`)
    expect(refused.code).toBe(EXIT.plainHttp)
    expect(h.hs.devicesOf('alice')).toEqual([])

    // localhost does not vouch for that host either: it is named with --trust-server (issue 9 §2).
    const allowed = await cli(
      ['add', h.hs.url, 'alice', '--password-stdin', '--allow-plain-http', '--trust-server', 'chat.example.invalid:8008', '--json'],
      `${PASSWORDS.alice}\n`,
    )
    expect(allowed.code).toBe(EXIT.ok)
    expect((JSON.parse(allowed.stdout) as Account).homeserverUrl).toBe('http://chat.example.invalid:8008')
  })
})
