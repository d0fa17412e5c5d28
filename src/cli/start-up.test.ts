/**
 * The command line starts at once (issue 13 §2): each command loads what it uses. `accounts`,
 * `switch`, `relabel`, forget's question, `--help` and `--version` never load the network stack,
 * QR codes, zod, a file-lock package, the keychain or the SessionService.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PassThrough, Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emptySnapshot } from '../main/accounts/schema'
import type { AccountsSnapshot } from '../shared/contract'
import { Command } from 'commander'
import { createKit } from './command-kit'
import { COMMANDS } from './commands'
import { EXIT } from './exit-codes'
import { formatAccounts } from './format'
import { run, type CliIo } from './program'

const ROOT = path.resolve(import.meta.dirname, '../..')
const TRACE = path.join(ROOT, 'test', 'cli', 'trace-imports.mjs')
const ENTRY = path.join(ROOT, 'src', 'cli', 'latchkey.ts')

/** What must not be loaded by a command that needs neither a token nor the network. */
const HEAVY = [
  /^node:https?$/,
  // node:http(s) taken rather than imported (src/main/node-http.ts), so the import above never shows.
  /\/src\/main\/node-http\.ts$/,
  /\/node_modules\/zod\//,
  /\/node_modules\/qrcode\//,
  /\/node_modules\/keytar\//,
  /\/node_modules\/(proper-lockfile|graceful-fs)\//,
  /\/src\/main\/service\/index\.ts$/,
  /\/src\/main\/matrix\/(index|client|transport|http)\.ts$/,
  /\/src\/cli\/service\.ts$/,
]

let home: string
const alice = {
  id: 'acc_00000000000000a1',
  userId: '@alice:example.org',
  homeserverUrl: 'https://matrix.example.org',
  serverName: 'example.org',
  deviceId: 'ALICE',
  authApi: 'legacy',
  order: 0,
  addedAt: '2026-01-02T03:04:05.000Z',
  status: 'active',
}
const bob = { ...alice, id: 'acc_00000000000000b2', userId: '@bob:example.org', deviceId: 'BOB', order: 1, label: 'Builder' }

beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'latchkey-start-'))
})
afterAll(async () => {
  await rm(home, { recursive: true, force: true })
})

async function seed(): Promise<void> {
  await writeFile(path.join(home, 'accounts.json'), JSON.stringify({ ...emptySnapshot(), activeId: alice.id, accounts: [alice, bob] }))
}

/** Runs the real entry point under tsx and answers the modules it resolved, and how it ended. */
function loadsOf(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; loaded: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', TRACE, ENTRY, ...args], {
      cwd: ROOT,
      env: { ...process.env, LATCHKEY_HOME: home, LATCHKEY_SECRET_STORE: '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const loaded = stderr
        .split('\n')
        .filter((l) => l.startsWith('LOAD '))
        .map((l) => l.slice(5))
      resolve({ code, stdout, loaded })
    })
  })
}

describe('what a command loads', () => {
  it.each([
    [['accounts']],
    [['accounts', '--json']],
    [['--help']],
    [['token', '--help']],
    [['switch', 'builder']],
    [['relabel', 'Home', '--account', '@alice:example.org']],
  ])('latchkey %j loads no network stack, QR code, zod, file-lock package, keychain or service', async (args) => {
    await seed()
    const result = await loadsOf(args)
    expect(result.code).toBe(0)
    expect(result.loaded.length).toBeGreaterThan(5)
    expect(result.loaded.filter((url) => HEAVY.some((pattern) => pattern.test(url)))).toEqual([])
  }, 30_000)

  it('latchkey check builds the service without zod: the command line checks its few events by hand', async () => {
    await writeFile(path.join(home, 'accounts.json'), JSON.stringify(emptySnapshot()))
    const result = await loadsOf(['check'], { LATCHKEY_SECRET_STORE: 'memory' })
    expect(result.code).toBe(0)
    expect(result.loaded.some((url) => /\/src\/main\/service\/index\.ts$/.test(url))).toBe(true)
    // The network stack shows by its module: node:http itself is taken, not imported.
    expect(result.loaded.some((url) => /\/src\/main\/node-http\.ts$/.test(url))).toBe(true)
    expect(result.loaded.filter((url) => /\/node_modules\/zod\/|\/src\/shared\/bind\.ts$/.test(url))).toEqual([])
  }, 30_000)

  it('latchkey --version loads not even commander', async () => {
    const result = await loadsOf(['--version'])
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+/)
    expect(result.loaded.filter((url) => /commander|\/src\/cli\/program\.ts$/.test(url))).toEqual([])
  }, 30_000)
})

describe('the command list', () => {
  it('names each command as the command it registers, once, so a run can register just that one', () => {
    const names = COMMANDS.map(([name, register]) => {
      const program = new Command('latchkey')
      register(program, createKit(io().io, noService).kit)
      expect(program.commands.map((c) => c.name())).toEqual([name])
      return name
    })
    expect(new Set(names).size).toBe(names.length)
  })

  it('lists every command in --help, whichever command line registers them', async () => {
    const help = io()
    expect(await run(['--help'], help.io, noService)).toBe(EXIT.ok)
    for (const [name] of COMMANDS) expect(help.stdout()).toMatch(new RegExp(`^  ${name} `, 'm'))
  })
})

/** In-process runs, with a service that must never be built. */
function io(stdin = ''): { io: CliIo; stdout: () => string; stderr: () => string } {
  let out = ''
  let err = ''
  const input = new PassThrough()
  input.end(stdin)
  return {
    io: {
      stdin: input,
      stdout: new Writable({ write: (c: Buffer, _e, done) => ((out += c.toString()), done()) }),
      stderr: new Writable({ write: (c: Buffer, _e, done) => ((err += c.toString()), done()) }),
      env: { LATCHKEY_HOME: home },
    },
    stdout: () => out,
    stderr: () => err,
  }
}

const noService = { createService: () => Promise.reject(new Error('this command must not build the SessionService')) }

describe('commands that need no token', () => {
  it('accounts lists accounts.json as the service would, without building the service', async () => {
    await seed()
    const run1 = io()
    expect(await run(['accounts', '--json'], run1.io, noService)).toBe(EXIT.ok)
    const snapshot = JSON.parse(run1.stdout()) as AccountsSnapshot
    expect(snapshot).toMatchObject({ activeId: alice.id, storage: 'keychain' })
    expect(snapshot.accounts.map((a) => a.userId)).toEqual(['@alice:example.org', '@bob:example.org'])
    const run2 = io()
    await run(['accounts'], run2.io, noService)
    expect(run2.stdout()).toBe(`${formatAccounts(snapshot)}\n`)
  })

  it('switch and relabel change accounts.json without building the service', async () => {
    await seed()
    const switched = io()
    expect(await run(['switch', 'builder'], switched.io, noService)).toBe(EXIT.ok)
    expect(switched.stdout()).toBe('Active account: Builder (@bob:example.org).\n')
    const relabelled = io()
    expect(await run(['relabel', '  Home  ', '--color', '#AABBCC', '--account', alice.id, '--json'], relabelled.io, noService)).toBe(EXIT.ok)
    expect(JSON.parse(relabelled.stdout())).toMatchObject({ id: alice.id, label: 'Home', color: '#aabbcc' })
    const file = JSON.parse(await readFile(path.join(home, 'accounts.json'), 'utf8')) as { activeId: string }
    expect(file.activeId).toBe(bob.id)
  })

  it('forget asks its question before the keychain is opened, and a "no" never opens it', async () => {
    await seed()
    const declined = io('n\n')
    ;(declined.io.stdin as PassThrough & { isTTY?: boolean }).isTTY = true
    expect(await run(['forget', '--account', '@alice:example.org'], declined.io, noService)).toBe(EXIT.cancelled)
    expect(declined.stderr()).toMatch(/^Forget @alice:example\.org without signing it out on the server\? \[y\/N\] Nothing was forgotten\.\n$/)
  })

  it('names the account and the field when one account in accounts.json is not valid, and lists the others', async () => {
    await writeFile(
      path.join(home, 'accounts.json'),
      JSON.stringify({ ...emptySnapshot(), activeId: alice.id, accounts: [alice, { ...bob, label: 'x'.repeat(65) }] }),
    )
    const listed = io()
    expect(await run(['accounts'], listed.io, noService)).toBe(EXIT.ok)
    expect(listed.stderr()).toMatch(
      /^Latchkey set aside an account it could not read: @bob:example\.org \(its label is longer than 64 characters\)\. It is kept in accounts\.json\.rejected-\S+; every other account is as before\.\n$/,
    )
    expect(listed.stdout()).toContain('@alice:example.org')
    expect(listed.stdout()).not.toContain('@bob:example.org')
  })
})
