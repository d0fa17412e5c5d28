/**
 * Issue 10 §5 at the command line: on a server that signs devices out on its own page (MAS, here a
 * password account through its compatibility layer), `sign-out-devices` opens that page, asks
 * nothing first, and says that nothing was signed out yet.
 */
import { PassThrough, Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { startHarness, type Harness } from '../../test/service/harness'
import { createSessionService } from '../main/service'
import { EXIT } from './exit-codes'
import { run, type CliIo } from './program'

let h: Harness | undefined
afterEach(async () => h?.close())

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const input = new PassThrough()
  input.end()
  const io: CliIo = {
    stdin: input,
    stdout: new Writable({ write: (c: Buffer, _e, done) => ((stdout += c.toString()), done()) }),
    stderr: new Writable({ write: (c: Buffer, _e, done) => ((stderr += c.toString()), done()) }),
    env: { LATCHKEY_HOME: h!.dir },
  }
  const code = await run(args, io, {
    createService: () =>
      createSessionService({ dataDir: h!.dir, secrets: h!.secrets, watchAccounts: false, deviceName: 'Latchkey CLI test', openExternal: (url) => h!.browser.open(url) }),
  })
  return { code, stdout, stderr }
}

describe('latchkey sign-out-devices on a server run by MAS', () => {
  it('opens the device’s page without asking first, and says nothing was signed out yet', async () => {
    h = await startHarness({ hs: { mas: true } })
    const alice = await h.addAlice()
    h.hs.addDevices('alice', 1)
    const other = h.hs.devicesOf('alice').find((d) => d.deviceId !== alice.deviceId)!.deviceId

    const run = await cli(['sign-out-devices', other, '--account', alice.id])
    expect(run.code).toBe(EXIT.ok)
    const page = `${h.hs.url}/account/?action=org.matrix.device_delete&device_id=${other}`
    expect(h.browser.opened).toEqual([page])
    expect(run.stdout).toBe(`localhost signs devices out on its own page, which Latchkey opened in your browser (${page}): sign the device out there. Nothing was signed out yet.\n`)
    expect(run.stderr).not.toMatch(/\[y\/N\]|--yes/)
    expect(h.hs.devicesOf('alice')).toHaveLength(2)
  })
})
