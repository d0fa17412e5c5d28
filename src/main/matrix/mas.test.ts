import { describe, expect, it } from 'vitest'
import { rejection, useHomeserver } from '../../../test/matrix/kit'

// Servers run by the Matrix Authentication Service: devices end on the account page, /logout/all
// is refused, there are no login tokens. The result says so, with where to go instead.

describe('a server run by MAS', () => {
  const kit = useHomeserver({ mas: true })

  it('reports device deletion as unsupported, with the account page deep link for that device', async () => {
    const client = await kit.signedIn()
    const victim = (await (await kit.signedIn()).whoami()).deviceId!
    const e = await rejection(client.deleteDevice(victim, { password: 'wonderland' }))
    const url = `${kit.hs.url}/account/?action=org.matrix.device_delete&device_id=${victim}`
    expect(e).toMatchObject({ kind: 'unsupported', status: 404, errcode: 'M_UNRECOGNIZED', accountManagementUrl: url })
    expect(e.message).toBe(`${new URL(kit.hs.url).host} does not let apps sign devices out; use its account page instead: ${url}`)
    expect(kit.hs.requests.filter((r) => r.endpoint === 'deleteDevice')).toHaveLength(1)
    expect(kit.hs.devicesOf('alice').map((d) => d.deviceId)).toContain(victim)
  })

  it('links to the device list for several devices', async () => {
    const client = await kit.signedIn()
    const e = await rejection(client.deleteDevices(['A', 'B'], { password: 'wonderland' }))
    expect(e.accountManagementUrl).toBe(`${kit.hs.url}/account/?action=org.matrix.devices_list`)
  })

  it('reports signing out everywhere as unsupported rather than ending only some sessions', async () => {
    const client = await kit.signedIn()
    const e = await rejection(client.logoutAll())
    expect(e).toMatchObject({ kind: 'unsupported', accountManagementUrl: `${kit.hs.url}/account/?action=org.matrix.devices_list` })
    expect(kit.hs.requests.find((r) => r.endpoint === 'logoutAll')?.body).toBeUndefined()
    expect(client.signedIn).toBe(true)
    expect((await client.whoami()).userId).toBe('@alice:localhost')
  })

  it('says it makes no login tokens', async () => {
    const e = await rejection((await kit.signedIn()).getLoginToken({ password: 'wonderland' }))
    expect(e.kind).toBe('unsupported')
    expect(e.message).toBe(`${new URL(kit.hs.url).host} does not let a signed-in session make login tokens for other devices.`)
  })

  it('still signs out this session through the compatibility layer', async () => {
    const client = await kit.signedIn()
    await client.logout()
    expect(kit.hs.devicesOf('alice')).toEqual([])
  })

  it('serves the OAuth 2.0 metadata', async () => {
    const m = await kit.client().authMetadata()
    expect(m).toMatchObject({ issuer: `${kit.hs.url}/`, accountManagementUri: `${kit.hs.url}/account/`, codeChallengeMethodsSupported: ['S256'] })
    expect(m.raw.prompt_values_supported).toEqual(['create'])
  })

  it('still reports unsupported, without a link, when the metadata cannot be read', async () => {
    const client = await kit.signedIn()
    kit.hs.setFault('authMetadata', { kind: 'status', status: 500 })
    const e = await rejection(client.deleteDevice('X', { password: 'wonderland' }))
    expect(e.kind).toBe('unsupported')
    expect(e.accountManagementUrl).toBeUndefined()
  })
})
