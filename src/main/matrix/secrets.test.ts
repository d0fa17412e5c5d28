import { describe, expect, it } from 'vitest'
import type { Fault } from '../../../test/homeserver/index'
import type { MatrixError } from './errors'
import { rejection, useHomeserver } from '../../../test/matrix/kit'

// No token or password ever appears in an error (message, server text, JSON form) or in a URL.

const PASSWORD = 'wonderland'
const WRONG_PASSWORD = 'hunter2-wrong'

describe('secrets stay secret', () => {
  const kit = useHomeserver()

  it('no token or password appears in any error message or in any query string or path', async () => {
    const errors: MatrixError[] = []
    const collect = async (p: Promise<unknown>) => errors.push(await rejection(p))

    const client = await kit.signedIn('alice', PASSWORD, { refreshToken: true })
    const loginToken = (await client.getLoginToken({ password: PASSWORD })).loginToken
    await kit.client().login({ type: 'token', token: loginToken })
    await collect(kit.client().login({ type: 'token', token: loginToken }))
    await collect(kit.client().login({ type: 'password', identifier: { kind: 'user', user: 'alice' }, password: WRONG_PASSWORD }))
    await collect(client.deleteDevice('NOSUCH', { password: WRONG_PASSWORD }))
    kit.hs.expireAccessTokens('alice')
    await client.whoami()
    const faults: Fault[] = [{ kind: 'status', status: 500 }, { kind: 'html' }, { kind: 'malformed-json' }, { kind: 'truncated' }, { kind: 'reset' }]
    for (const fault of faults) {
      kit.hs.setFault('*', fault)
      await collect(client.whoami())
      await collect(client.refresh())
      await collect(client.getLoginToken({ password: PASSWORD }))
      await collect(kit.client().login({ type: 'password', identifier: { kind: 'user', user: 'alice' }, password: PASSWORD }))
    }
    kit.hs.setFault('*', null)
    kit.hs.softLogout('alice')
    await collect(client.devices())
    const stale = kit.client({ credentials: { accessToken: 'syt_not_a_real_token_0001', refreshToken: 'syt_not_a_real_refresh_0001' } })
    await collect(stale.whoami())

    // Every secret that crossed the wire, from the server's own records.
    const secrets = new Set<string>([PASSWORD, WRONG_PASSWORD, loginToken, 'syt_not_a_real_token_0001', 'syt_not_a_real_refresh_0001'])
    for (const r of kit.hs.requests) {
      for (const key of ['access_token', 'refresh_token', 'login_token'] as const) {
        const v = (r.responseBody as Record<string, unknown> | undefined)?.[key]
        if (typeof v === 'string') secrets.add(v)
      }
    }
    expect(secrets.size).toBeGreaterThan(8)
    expect(errors.length).toBeGreaterThan(20)

    for (const e of errors) {
      const text = [e.message, e.error ?? '', JSON.stringify(e), String(e), e.stack ?? ''].join('\n')
      for (const s of secrets) expect(text, `${e.kind} error on ${e.endpoint}`).not.toContain(s)
    }
    for (const r of kit.hs.requests) {
      const where = `${r.path}?${new URLSearchParams(r.query).toString()}`
      for (const s of secrets) expect(where).not.toContain(s)
      expect(Object.keys(r.query)).not.toContain('access_token')
    }
  })
})
