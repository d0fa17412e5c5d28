/**
 * `latchkey check` opens each server's connections from accounts.json before the list is checked
 * (issue 13): no more than the check itself will use, however many accounts the file names.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { PassThrough, Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { addAccount } from '../main/accounts/operations'
import { AccountRegistry } from '../main/accounts/registry'
import { MemorySecretStore } from '../main/accounts/secrets'
import { createSessionService } from '../main/service'
import { DEFAULT_TUNING } from '../main/service/types'
import { newAccountInput, tempDataDir } from '../../test/accounts/factories'
import { run, type CliIo } from './program'

/** A server that counts the connections made to it and never answers. */
async function countingServer(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const sockets: Socket[] = []
  const server: Server = createServer((socket) => sockets.push(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const address = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${address.port}`,
    connections: () => sockets.length,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

async function check(dir: string): Promise<number> {
  const sink = new Writable({ write: (_c, _e, done) => done() })
  const input = new PassThrough()
  input.end()
  const io: CliIo = { stdin: input, stdout: sink, stderr: sink, env: { LATCHKEY_HOME: dir } }
  // No secrets: every account is kept unchecked, so the only connections are the ones opened early.
  return run(['check'], io, { createService: () => createSessionService({ dataDir: dir, secrets: new MemorySecretStore(), watchAccounts: false }) })
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 150))
}

describe('latchkey check, connections opened before the list is checked', () => {
  it('opens no more per server than the check sends at once to one host, and no more in all than it sends at once', async () => {
    const { dir, cleanup } = await tempDataDir()
    cleanups.push(cleanup)
    const servers = await Promise.all(Array.from({ length: 5 }, () => countingServer()))
    for (const s of servers) cleanups.push(s.close)
    // 5 servers of 40 accounts each: 200 accounts, more than either bound.
    await new AccountRegistry({ dir }).update((draft) => {
      for (const s of servers) for (let i = 0; i < 40; i++) addAccount(draft, newAccountInput({ homeserverUrl: s.url, serverName: '127.0.0.1' }))
    })
    await check(dir)
    await settle()
    const counts = servers.map((s) => s.connections())
    expect(Math.max(...counts)).toBe(DEFAULT_TUNING.checksPerHost)
    expect(counts.reduce((a, b) => a + b, 0)).toBe(DEFAULT_TUNING.checksInFlight)
  })

  it('opens one connection per account where there are fewer accounts than the bounds', async () => {
    const { dir, cleanup } = await tempDataDir()
    cleanups.push(cleanup)
    const server = await countingServer()
    cleanups.push(server.close)
    await new AccountRegistry({ dir }).update((draft) => {
      for (let i = 0; i < 3; i++) addAccount(draft, newAccountInput({ homeserverUrl: server.url, serverName: '127.0.0.1' }))
    })
    await check(dir)
    await settle()
    expect(server.connections()).toBe(3)
  })
})
