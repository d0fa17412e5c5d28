import { afterEach, describe, expect, it } from 'vitest'
import { failure } from '../../../test/service/expect'
import { PASSWORDS, startHarness, type Harness } from '../../../test/service/harness'

let h: Harness
afterEach(async () => h?.close())

const aliceAuth = { type: 'password', password: PASSWORDS.alice } as const

describe('listDevices', () => {
  it('lists the devices with Latchkey\'s own flagged and first, and emits devicesChanged', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    expect(alice.signOutInBrowser).toBeUndefined()
    h.hs.addDevices('alice', 3)
    const devices = await h.service.listDevices({ accountId: alice.id })
    expect(devices).toHaveLength(4)
    expect(devices[0]).toMatchObject({ deviceId: alice.deviceId, current: true })
    expect(devices.filter((d) => d.current)).toHaveLength(1)
    expect(h.eventsOf('devicesChanged').at(-1)).toEqual({ accountId: alice.id, devices })
  })
})

describe('renameDevice', () => {
  it('renames a device on the server and answers it', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    const device = await h.service.renameDevice({ accountId: alice.id, deviceId: alice.deviceId, displayName: 'Laptop' })
    expect(device).toMatchObject({ deviceId: alice.deviceId, displayName: 'Laptop', current: true })
    expect(h.hs.devicesOf('alice').find((d) => d.deviceId === alice.deviceId)?.displayName).toBe('Laptop')
  })

  it('says an unknown device is not found', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    const error = await failure(h.service.renameDevice({ accountId: alice.id, deviceId: 'NOPE', displayName: 'x' }))
    expect(error.code).toBe('not-found')
  })
})

describe('signOutDevices', () => {
  it('asks for authentication, naming the stages, when called without it — and signs nothing out', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    h.hs.addDevices('alice', 2)
    const others = h.hs.devicesOf('alice').filter((d) => d.deviceId !== alice.deviceId).map((d) => d.deviceId)
    const error = await failure(h.service.signOutDevices({ accountId: alice.id, deviceIds: others }))
    expect(error.code).toBe('auth-required')
    expect(error.authStages).toEqual(['m.login.password'])
    expect(error.message).toMatch(/asks for your password/)
    expect(h.hs.devicesOf('alice')).toHaveLength(3)
  })

  it('signs 250 devices out in chunks with one password, reporting progress', async () => {
    h = await startHarness({ service: { tuning: { deleteChunkSize: 100 } } })
    const alice = await h.addAlice()
    h.hs.addDevices('alice', 250)
    const others = h.hs.devicesOf('alice').filter((d) => d.deviceId !== alice.deviceId).map((d) => d.deviceId)
    const result = await h.service.signOutDevices({ accountId: alice.id, deviceIds: others, auth: aliceAuth })
    expect(result.signedOut.sort()).toEqual([...others].sort())
    expect(h.hs.devicesOf('alice').map((d) => d.deviceId)).toEqual([alice.deviceId])
    const chunks = h.hs.requests.filter((r) => r.endpoint === 'deleteDevices' && r.status === 200)
    expect(chunks.map((r) => (r.body as { devices: string[] }).devices.length)).toEqual([100, 100, 50])
    const progress = h.eventsOf('progress').filter((p) => p.operation === 'signOutDevices')
    expect(progress.map((p) => p.done)).toEqual([0, 100, 200, 250])
    expect(progress.every((p) => p.total === 250 && p.accountId === alice.id)).toBe(true)
    expect(h.eventsOf('devicesChanged').at(-1)?.devices.map((d) => d.deviceId)).toEqual([alice.deviceId])
  })

  it('never signs out Latchkey\'s own device through this call', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    h.hs.addDevices('alice', 1)
    const all = h.hs.devicesOf('alice').map((d) => d.deviceId)
    const error = await failure(h.service.signOutDevices({ accountId: alice.id, deviceIds: all, auth: aliceAuth }))
    expect(error.code).toBe('invalid-argument')
    expect(h.hs.devicesOf('alice')).toHaveLength(2)
  })

  it('says the password was refused, and signs nothing out', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    h.hs.addDevices('alice', 2)
    const others = h.hs.devicesOf('alice').filter((d) => d.deviceId !== alice.deviceId).map((d) => d.deviceId)
    const before = await h.state()
    const error = await failure(h.service.signOutDevices({ accountId: alice.id, deviceIds: others, auth: { type: 'password', password: 'nope' } }))
    expect(error.code).toBe('wrong-credentials')
    expect(error.message).not.toContain('nope')
    expect(h.hs.devicesOf('alice')).toHaveLength(3)
    expect(await h.state()).toEqual(before)
  })

  it('confirms through the browser for an account without a password, once for the whole batch', async () => {
    h = await startHarness({ service: { tuning: { deleteChunkSize: 2 } } })
    const carol = await h.service.addWithLoginToken({ payload: h.hs.mintLoginToken('carol'), server: h.hs.url })
    h.hs.addDevices('carol', 5)
    const others = h.hs.devicesOf('carol').filter((d) => d.deviceId !== carol.deviceId).map((d) => d.deviceId)
    const asked = await failure(h.service.signOutDevices({ accountId: carol.id, deviceIds: others }))
    expect(asked).toMatchObject({ code: 'auth-required', authStages: ['m.login.sso'] })

    const done = h.service.signOutDevices({ accountId: carol.id, deviceIds: others, auth: { type: 'sso' } })
    const page = await h.browser.next()
    expect(page).toMatch(/\/_matrix\/client\/v3\/auth\/m\.login\.sso\/fallback\/web\?session=/)
    expect((await h.browser.confirmFallback(page)).status).toBe(200)
    expect((await done).signedOut).toHaveLength(5)
    expect(h.hs.devicesOf('carol').map((d) => d.deviceId)).toEqual([carol.deviceId])
    expect(h.browser.opened).toHaveLength(1)
  })

  it('gives up on a browser confirmation that never comes, in a sentence', async () => {
    h = await startHarness({ service: { tuning: { ssoTimeoutMs: 200, ssoPollIntervalMs: 20 } } })
    const carol = await h.service.addWithLoginToken({ payload: h.hs.mintLoginToken('carol'), server: h.hs.url })
    h.hs.addDevices('carol', 1)
    const other = h.hs.devicesOf('carol').find((d) => d.deviceId !== carol.deviceId)!.deviceId
    const error = await failure(h.service.signOutDevices({ accountId: carol.id, deviceIds: [other], auth: { type: 'sso' } }))
    expect(error.code).toBe('cancelled')
    expect(error.message).toMatch(/did not finish/)
    expect(h.hs.devicesOf('carol')).toHaveLength(2)
  })

  it('stops waiting for a browser confirmation when the service closes, and signs nothing out', async () => {
    h = await startHarness()
    const carol = await h.service.addWithLoginToken({ payload: h.hs.mintLoginToken('carol'), server: h.hs.url })
    h.hs.addDevices('carol', 1)
    const other = h.hs.devicesOf('carol').find((d) => d.deviceId !== carol.deviceId)!.deviceId
    const done = failure(h.service.signOutDevices({ accountId: carol.id, deviceIds: [other], auth: { type: 'sso' } }))
    await h.browser.next()
    await h.service.close()
    expect((await done).code).toBe('cancelled')
    expect(h.hs.devicesOf('carol')).toHaveLength(2)
  })

  it('opens the device’s page on the account page instead, on servers that manage devices on the web (MAS)', async () => {
    h = await startHarness({ hs: { mas: true } })
    const alice = await h.addAlice()
    // A password account, yet the window must say its buttons open the browser (issue 10 §5).
    expect(alice).toMatchObject({ authApi: 'legacy', signOutInBrowser: true })
    h.hs.addDevices('alice', 2)
    const others = h.hs.devicesOf('alice').filter((d) => d.deviceId !== alice.deviceId).map((d) => d.deviceId)
    const one = await h.service.signOutDevices({ accountId: alice.id, deviceIds: [others[0]!], auth: aliceAuth })
    expect(one).toEqual({ signedOut: [], openedInBrowser: `${h.hs.url}/account/?action=org.matrix.device_delete&device_id=${others[0]}` })
    const both = await h.service.signOutDevices({ accountId: alice.id, deviceIds: others })
    expect(both.openedInBrowser).toBe(`${h.hs.url}/account/?action=org.matrix.devices_list`)
    expect(h.browser.opened).toEqual([one.openedInBrowser, both.openedInBrowser])
    expect(h.hs.requests.some((r) => r.endpoint === 'deleteDevices' || r.endpoint === 'deleteDevice')).toBe(false)
    expect(h.hs.devicesOf('alice')).toHaveLength(3)
  })

  it('tells how far it got when the server fails half-way', async () => {
    h = await startHarness({ service: { tuning: { deleteChunkSize: 2 } } })
    const alice = await h.addAlice()
    h.hs.addDevices('alice', 4)
    const others = h.hs.devicesOf('alice').filter((d) => d.deviceId !== alice.deviceId).map((d) => d.deviceId)
    let calls = 0
    h.service.onEvent((event, payload) => {
      if (event === 'progress' && (payload as { done: number }).done === 2 && calls++ === 0) {
        h.hs.setFault('deleteDevices', { kind: 'status', status: 503 })
      }
    })
    const error = await failure(h.service.signOutDevices({ accountId: alice.id, deviceIds: others, auth: aliceAuth }))
    expect(error.code).toBe('server-error')
    expect(error.message).toMatch(/^Signed out 2 of 4 devices, then: /)
    expect(h.hs.devicesOf('alice')).toHaveLength(3)
  })
})
