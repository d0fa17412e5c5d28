/**
 * The desktop app and the command line write accounts.json at the same time: the service in this
 * process and the CLI's code in a child process each add 100 accounts at once to one data folder,
 * and all 200 are there afterwards.
 */
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { ROOT } from '../../../test/service/run-cli'
import { PASSWORDS, startHarness, type Harness } from '../../../test/service/harness'

let h: Harness
afterEach(async () => h?.close())

function childAdds(dir: string, server: string, count: number): Promise<{ ok: number; others: number[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'test/service/cli-add-many.ts'), server, 'alice', String(count)], {
      cwd: ROOT,
      env: { ...process.env, LATCHKEY_HOME: dir, LATCHKEY_SECRET_STORE: 'memory' },
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as { ok: number; others: number[] }) : reject(new Error(`child exited ${code}`))))
    child.stdin.end(`${PASSWORDS.alice}\n`)
  })
}

it('keeps all 200 accounts when the service and the CLI each add 100 at once', async () => {
  h = await startHarness()
  const started = Date.now()
  const [fromService, fromCli] = await Promise.all([
    Promise.all(Array.from({ length: 100 }, () => h.addAlice())),
    childAdds(h.dir, h.hs.url, 100),
  ])
  const elapsed = Date.now() - started
  expect(fromService).toHaveLength(100)
  expect(fromCli).toEqual({ ok: 100, others: [] })

  const file = JSON.parse(await readFile(path.join(h.dir, 'accounts.json'), 'utf8')) as { accounts: Array<{ id: string; deviceId: string }> }
  expect(file.accounts).toHaveLength(200)
  expect(new Set(file.accounts.map((a) => a.id)).size).toBe(200)
  expect(new Set(file.accounts.map((a) => a.deviceId)).size).toBe(200)
  for (const account of fromService) expect(file.accounts.map((a) => a.id)).toContain(account.id)
  expect((await h.service.listAccounts(undefined)).accounts).toHaveLength(200)
  console.info(`200 concurrent adds (100 in-process, 100 in a CLI child) took ${elapsed} ms`)
}, 120_000)
