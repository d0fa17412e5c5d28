/**
 * Issue 10 §5 at the command line: on a server that signs devices out on its own page (MAS, here a
 * password account through its compatibility layer), `sign-out-devices` opens that page, asks
 * nothing first, and says that nothing was signed out yet.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { cliInProcess } from '../../test/cli/in-process'
import { startHarness, type Harness } from '../../test/service/harness'
import { EXIT } from './exit-codes'

let h: Harness | undefined
afterEach(async () => h?.close())

const cli = (args: string[]) => cliInProcess(h!, args)

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
