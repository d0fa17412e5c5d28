import { describe, expect, it } from 'vitest'
import { KnownServers } from './known-servers'
import { rejection, useHomeserver } from '../../../test/matrix/kit'

// Which path of an endpoint's history goes out, from every signal the server gives, and the one
// mechanism for a path the server does not recognise: the other path once, and /versions again.

const STABLE = '/_matrix/client/v1/login/get_token'
const UNSTABLE = '/_matrix/client/unstable/org.matrix.msc3882/login/get_token'

describe('login tokens on a server that behaves like Synapse 1.97', () => {
  const kit = useHomeserver({ profile: 'synapse-1.97' })
  const advertised = async () => (await (await fetch(`${kit.hs.url}/_matrix/client/versions`)).json()) as { versions: string[]; unstable_features: Record<string, boolean> }

  it('advertises versions up to v1.6 with MSC3882, yet serves only the stable get_token path', async () => {
    const v = await advertised()
    expect(v.versions.at(-1)).toBe('v1.6')
    expect(v.unstable_features['org.matrix.msc3882']).toBe(true)
    const unstable = await fetch(`${kit.hs.url}${UNSTABLE}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
    expect([unstable.status, ((await unstable.json()) as { errcode: string }).errcode]).toEqual([404, 'M_UNRECOGNIZED'])
  })

  it('goes to the stable path at once when the capability says the server makes login tokens', async () => {
    const v = await advertised()
    const client = await kit.signedIn('alice', 'wonderland', { versions: { versions: v.versions, unstableFeatures: v.unstable_features } })
    expect((await client.capabilities()).getLoginToken).toBe(true)
    const made = await client.getLoginToken({ password: 'wonderland' })
    expect(made.loginToken).toBeTruthy()
    const paths = kit.hs.requests.filter((r) => r.endpoint === 'getLoginToken' || r.path === UNSTABLE).map((r) => r.path)
    expect(paths).toEqual([STABLE, STABLE])
  })

  it('goes to the stable path at once when the login flow says get_login_token', async () => {
    const v = await advertised()
    const client = await kit.signedIn('alice', 'wonderland', { versions: { versions: v.versions, unstableFeatures: v.unstable_features } })
    await client.loginFlows()
    await client.getLoginToken({ password: 'wonderland' })
    expect(kit.hs.requests.some((r) => r.path === UNSTABLE)).toBe(false)
  })

  it('tries the stable path once the unstable one is not recognised, keeps to it through the password stage, and learns /versions again', async () => {
    const v = await advertised()
    let now = Date.now()
    const servers = new KnownServers({ now: () => now })
    const client = await kit.signedIn('alice', 'wonderland', { servers, versions: { versions: v.versions, unstableFeatures: v.unstable_features } })
    now += 5 * 60_000
    kit.hs.clearRequests()
    const made = await client.getLoginToken({ password: 'wonderland' })
    expect(made.loginToken).toBeTruthy()
    const paths = kit.hs.requests.map((r) => r.path)
    expect(paths.filter((p) => p.endsWith('/login/get_token'))).toEqual([UNSTABLE, STABLE, STABLE])
    expect(paths.filter((p) => p === '/_matrix/client/versions')).toHaveLength(1)
    // The next token goes straight to the path that answered.
    kit.hs.clearRequests()
    await client.getLoginToken({ password: 'wonderland' })
    expect(kit.hs.requests.filter((r) => r.path.endsWith('/login/get_token')).map((r) => r.path)).toEqual([STABLE, STABLE])
  })
})

describe('a path the server does not recognise', () => {
  const kit = useHomeserver({ versions: ['r0.5.0', 'r0.6.1'] })

  it('is tried on the other path once before the call is reported unsupported', async () => {
    const client = await kit.signedIn()
    kit.hs.clearRequests()
    expect((await rejection(client.getLoginToken({ password: 'wonderland' }))).kind).toBe('unsupported')
    expect(kit.hs.requests.filter((r) => r.path.endsWith('/login/get_token')).map((r) => r.path)).toEqual([STABLE, UNSTABLE])
  })

  it('sends the newest path while versions are unknown, then the old one the server serves, and remembers it', async () => {
    const servers = new KnownServers()
    const first = kit.client({ versions: undefined, servers })
    await first.login({ type: 'password', identifier: { kind: 'user', user: 'alice' }, password: 'wonderland' })
    // A second session on the same server, versions forgotten (as by a new process without a cache).
    const fresh = new KnownServers()
    const client = kit.client({ versions: undefined, servers: fresh })
    client.setCredentials({ accessToken: (await first.login({ type: 'password', identifier: { kind: 'user', user: 'alice' }, password: 'wonderland' })).accessToken })
    kit.hs.clearRequests()
    expect((await client.whoami()).userId).toBe('@alice:localhost')
    const paths = kit.hs.requests.map((r) => r.path).sort()
    expect(paths).toEqual(['/_matrix/client/r0/account/whoami', '/_matrix/client/v3/account/whoami', '/_matrix/client/versions'])
    kit.hs.clearRequests()
    await client.whoami()
    expect(kit.hs.requests.map((r) => r.path)).toEqual(['/_matrix/client/r0/account/whoami'])
  })
})
