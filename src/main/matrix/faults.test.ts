import { describe, expect, it } from 'vitest'
import type { Fault } from '../../../test/homeserver/index'
import type { MatrixClient } from './client'
import type { EndpointName } from './endpoint'
import { endpoints } from './endpoints/index'
import type { MatrixErrorKind } from './errors'
import { rejection, useHomeserver } from '../../../test/matrix/kit'

// Every fault of the test homeserver on every endpoint: a typed MatrixError with a sentence that
// names the server, within the call's timeout, and nothing changed on the server or in the client.

const TIMEOUT_MS = 600
const transport = { connectTimeoutMs: TIMEOUT_MS, timeoutMs: TIMEOUT_MS }

const FAULTS: Array<[string, Fault, MatrixErrorKind, number | undefined]> = [
  ['latency beyond the timeout', { kind: 'latency', ms: TIMEOUT_MS * 3 }, 'timeout', undefined],
  ['500', { kind: 'status', status: 500 }, 'http', 500],
  ['502', { kind: 'status', status: 502 }, 'http', 502],
  ['503', { kind: 'status', status: 503 }, 'http', 503],
  ['an HTML error page', { kind: 'html' }, 'http', 502],
  ['malformed JSON', { kind: 'malformed-json' }, 'malformed', 200],
  ['a truncated body', { kind: 'truncated' }, 'malformed', undefined],
  ['a reset connection', { kind: 'reset' }, 'network', undefined],
  ['no answer at all', { kind: 'hang' }, 'timeout', undefined],
]

interface Scene {
  client: MatrixClient
  /** A second device of alice's, to delete. */
  otherDeviceId: string
  ownDeviceId: string
}

// The issuer's discovery document is not the homeserver's to fault (see the OAuth tests).
const CALLS: Record<Exclude<EndpointName, 'openIdConfiguration'>, (s: Scene) => Promise<unknown>> = {
  wellKnown: (s) => s.client.transport.send(endpoints.wellKnown, undefined, { baseUrl: s.client.baseUrl }),
  versions: (s) => s.client.transport.send(endpoints.versions, undefined, { baseUrl: s.client.baseUrl }),
  loginFlows: (s) => s.client.loginFlows(),
  login: (s) => s.client.login({ type: 'password', identifier: { kind: 'user', user: 'alice' }, password: 'wonderland' }),
  logout: (s) => s.client.logout(),
  logoutAll: (s) => s.client.logoutAll(),
  whoami: (s) => s.client.whoami(),
  getLoginToken: (s) => s.client.getLoginToken({ password: 'wonderland' }),
  refresh: (s) => s.client.refresh(),
  capabilities: (s) => s.client.capabilities(),
  devices: (s) => s.client.devices(),
  getDevice: (s) => s.client.getDevice(s.ownDeviceId),
  updateDevice: (s) => s.client.updateDevice(s.ownDeviceId, { displayName: 'Should not stick' }),
  deleteDevice: (s) => s.client.deleteDevice(s.otherDeviceId, { password: 'wonderland' }),
  deleteDevices: (s) => s.client.deleteDevices([s.otherDeviceId], { password: 'wonderland' }),
  profile: (s) => s.client.profile('@alice:localhost'),
  thumbnail: (s) => s.client.thumbnail('mxc://localhost/aliceavatar', { width: 32, height: 32 }),
  authMetadata: (s) => s.client.authMetadata(),
  authMetadataUnstable: (s) => s.client.transport.send(endpoints.authMetadataUnstable, undefined, { baseUrl: s.client.baseUrl }),
  authIssuer: (s) => s.client.transport.send(endpoints.authIssuer, undefined, { baseUrl: s.client.baseUrl }),
  keysQuery: (s) => s.client.keysQuery(['@alice:localhost']),
  sync: (s) => s.client.clientInformation(),
  setAccountData: (s) => s.client.publishClientInformation(s.ownDeviceId, { name: 'Should not stick' }),
}

describe('the fault matrix', () => {
  const kit = useHomeserver()

  describe.each(Object.keys(CALLS) as Array<keyof typeof CALLS>)('%s', (name) => {
    it.each(FAULTS)('gives a typed error with a sentence for %s, in time, changing nothing', async (_what, fault, kind, status) => {
      const other = await kit.signedIn()
      const client = await kit.signedIn('alice', 'wonderland', { transport, refreshToken: true })
      const scene: Scene = { client, otherDeviceId: (await other.whoami()).deviceId!, ownDeviceId: (await client.whoami()).deviceId! }
      const devicesBefore = kit.hs.devicesOf('alice')
      const host = new URL(kit.hs.url).host

      kit.hs.setFault(name, fault)
      const started = performance.now()
      const e = await rejection(CALLS[name](scene))
      const elapsed = performance.now() - started
      kit.hs.setFault(name, null)

      expect(e.kind).toBe(kind)
      if (status !== undefined) expect(e.status).toBe(status)
      expect(e.endpoint).toBe(name)
      expect(e.message).toContain(host)
      expect(e.message).toMatch(/^[A-Z0-9].*\.$/)
      expect(e.message).not.toMatch(/undefined|\[object|Error:/)
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 1_000)

      // Nothing changed: same devices and names, the session still works, the client kept it.
      expect(kit.hs.devicesOf('alice')).toEqual(devicesBefore)
      expect(client.signedIn).toBe(true)
      expect((await client.whoami()).deviceId).toBe(scene.ownDeviceId)
    })
  })

  it('answers normally after a latency shorter than the timeout', async () => {
    const client = await kit.signedIn('alice', 'wonderland', { transport })
    kit.hs.setFault('whoami', { kind: 'latency', ms: 100 })
    expect((await client.whoami()).userId).toBe('@alice:localhost')
  })

  it('says which timeout ran out', async () => {
    const client = await kit.signedIn('alice', 'wonderland', { transport })
    kit.hs.setFault('devices', { kind: 'hang' })
    const e = await rejection(client.devices())
    expect(e.message).toBe(`${new URL(kit.hs.url).host} did not answer the device list request within 600 ms.`)
  })
})
