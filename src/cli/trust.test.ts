/**
 * Issue 9 §2, §4 and §5 (login codes) at the command line: a homeserver the account's own server
 * does not vouch for is asked about on a terminal or named with --trust-server, and shown beside
 * the user id; the password question names the host the password goes to; a login code is read
 * from standard input (or asked for), never taken from the command line without --code.
 */
import { PassThrough, Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { resolverFor, startHostileServer, type HostileServer } from '../../test/hostile/server'
import { PASSWORDS, startHarness, type Harness } from '../../test/service/harness'
import { createSessionService } from '../main/service'
import { encodeLoginPayload } from '../main/service/login-payload'
import type { Account } from '../shared/contract'
import { EXIT } from './exit-codes'
import { run, type CliIo } from './program'
import type { TtyInput } from './prompt'

let h: Harness | undefined
let hostile: HostileServer | undefined
afterEach(async () => {
  await h?.close()
  await hostile?.close()
  h = hostile = undefined
})

const HOME = 'chat.example.net'

/** A homeserver for @…:example.org reached as https://chat.example.net; example.org publishes no well-known file. */
async function setUp(): Promise<void> {
  hostile = await startHostileServer()
  h = await startHarness({ hs: { serverName: 'example.org', wellKnown: null } })
}

function resolve(name: string) {
  if (!hostile) return undefined
  return resolverFor({ [HOME]: Number(new URL(h!.hs.url).port), 'example.org': hostile.port })(name)
}

/**
 * One in-process run. `answers` make stdin a terminal that answers each question as it appears
 * (matched against what was written to stderr), as a person would type.
 */
async function cli(args: string[], input: { stdin?: string; answers?: Array<[RegExp, string]> } = {}) {
  let stdout = ''
  let stderr = ''
  const stdin = new PassThrough() as PassThrough & TtyInput
  const pending = [...(input.answers ?? [])]
  if (input.answers) {
    stdin.isTTY = true
    stdin.setRawMode = () => stdin
  } else {
    stdin.end(input.stdin ?? '')
  }
  const io: CliIo = {
    stdin,
    stdout: new Writable({ write: (c: Buffer, _e, done) => ((stdout += c.toString()), done()) }),
    stderr: new Writable({
      write: (c: Buffer, _e, done) => {
        stderr += c.toString()
        const next = pending[0]
        if (next && next[0].test(stderr)) {
          pending.shift()
          setImmediate(() => stdin.write(next[1]))
        }
        done()
      },
    }),
    env: { LATCHKEY_HOME: h!.dir },
  }
  const code = await run(args, io, {
    createService: () =>
      createSessionService({
        dataDir: h!.dir,
        secrets: h!.secrets,
        watchAccounts: false,
        deviceName: 'Latchkey CLI test',
        matrix: { totalTimeoutMs: 3000, connectTimeoutMs: 1000, resolveForTests: resolve },
      }),
  })
  return { code, stdout, stderr }
}

describe('a homeserver the account\'s own server does not vouch for', () => {
  it('without a terminal, exits 12 with one sentence naming --trust-server and that host, and keeps nothing', async () => {
    await setUp()
    const result = await cli(['add', `https://${HOME}`, 'alice', '--password-stdin'], { stdin: `${PASSWORDS.alice}\n` })
    expect(result.code).toBe(EXIT.trustRequired)
    expect(result.stderr.trim().split('\n')).toEqual([
      `@alice:example.org is served by ${HOME}, which example.org does not vouch for. Latchkey signed that new session out and kept nothing. Go on only if you trust ${HOME} with this account. To go ahead, run it again with --trust-server ${HOME}.`,
    ])
    expect((await h!.state()).file).toBeNull()
  })

  it('goes ahead with --trust-server naming that host, and lists the host beside the user id', async () => {
    await setUp()
    const wrong = await cli(['add', `https://${HOME}`, 'alice', '--password-stdin', '--trust-server', 'other.example.com'], { stdin: `${PASSWORDS.alice}\n` })
    expect(wrong.code).toBe(EXIT.trustRequired)
    const added = await cli(['add', `https://${HOME}`, 'alice', '--password-stdin', '--trust-server', HOME], { stdin: `${PASSWORDS.alice}\n` })
    expect(added.code).toBe(EXIT.ok)
    expect(added.stdout).toMatch(new RegExp(`^Added @alice:example\\.org \\(served by ${HOME}\\) \\(device `))
    const table = await cli(['accounts'])
    expect(table.stdout).toMatch(new RegExp(`@alice:example\\.org \\(served by ${HOME}\\)\\s+[A-Z]+\\s+\\S+\\s+active`))
  })

  it('on a terminal, names the host the password goes to, asks about the homeserver, and adds the account on yes', async () => {
    await setUp()
    const result = await cli(['add', `https://${HOME}`, 'alice', '--json'], {
      answers: [
        [/Password for alice \(sent to chat\.example\.net\): $/, `${PASSWORDS.alice}\r`],
        [/Trust chat\.example\.net with @alice:example\.org\? \[y\/N\] $/, 'y\n'],
      ],
    })
    expect(result.code).toBe(EXIT.ok)
    expect((JSON.parse(result.stdout) as Account).servedBy).toBe(HOME)
  })
})

describe('a sign-in answering with an account already listed', () => {
  it('exits 13 and says the listed account was left as it was', async () => {
    hostile = await startHostileServer()
    h = await startHarness()
    const alice = await h.addAlice()
    hostile.set({ login: { userId: alice.userId, deviceId: alice.deviceId } })
    const payload = encodeLoginPayload({ homeserverUrl: hostile.url, token: 'abc', userId: alice.userId })
    const result = await cli(['login-token'], { stdin: payload })
    expect(result.code).toBe(EXIT.mismatch)
    expect(result.stderr).toMatch(/already in the list\. Latchkey signed that new session out and left the listed account as it was\./)
  })
})

describe('login-token', () => {
  it('reads the code from standard input', async () => {
    h = await startHarness()
    const payload = encodeLoginPayload({ homeserverUrl: h.hs.url, token: h.hs.mintLoginToken('bob'), userId: '@bob:localhost' })
    const result = await cli(['login-token', '--json'], { stdin: `${payload}\n` })
    expect(result.code).toBe(EXIT.ok)
    expect((JSON.parse(result.stdout) as Account).userId).toBe('@bob:localhost')
  })

  it('asks for it on a terminal without showing it', async () => {
    h = await startHarness()
    const payload = encodeLoginPayload({ homeserverUrl: h.hs.url, token: h.hs.mintLoginToken('bob'), userId: '@bob:localhost' })
    const result = await cli(['login-token'], { answers: [[/Login code \(not shown\): $/, `${payload}\r`]] })
    expect(result.code).toBe(EXIT.ok)
    expect(result.stderr).not.toContain(payload)
  })

  it('refuses a code on the command line, saying why, and takes it with --code', async () => {
    h = await startHarness()
    const payload = encodeLoginPayload({ homeserverUrl: h.hs.url, token: h.hs.mintLoginToken('bob'), userId: '@bob:localhost' })
    const refused = await cli(['login-token', payload])
    expect(refused.code).toBe(EXIT.usage)
    expect(refused.stderr).toMatch(/process list/)
    expect(h.hs.requests.filter((r) => r.endpoint === 'login' && r.method === 'POST')).toHaveLength(0)
    const help = await cli(['login-token', '--help'])
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/--code <code> give the code on the command line instead; other users of this computer can read it in the process list/)
    const taken = await cli(['login-token', '--code', payload])
    expect(taken.code).toBe(EXIT.ok)
  })
})
