import { describe, expect, it } from 'vitest'
import { startHomeserver } from './index'
import { assertRequestsConformToSpec } from '../spec/openapi'
import { call, login, useHomeserver } from './fixtures'

describe('discovery on a default homeserver', () => {
  const t = useHomeserver()

  it('serves a well-known file that points at itself', async () => {
    const answer = await call(t.hs, 'GET', '/.well-known/matrix/client')
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ 'm.homeserver': { base_url: t.hs.url } })
  })

  it('lists spec versions and the login-token feature flag', async () => {
    const answer = await call(t.hs, 'GET', '/_matrix/client/versions')
    expect(answer.status).toBe(200)
    expect(answer.body.versions).toContain('v1.7')
    expect(answer.body.unstable_features).toEqual({ 'org.matrix.msc3882': true })
  })

  it('offers SSO with an identity provider, token login with get_login_token, and password login', async () => {
    const answer = await call(t.hs, 'GET', '/_matrix/client/v3/login')
    expect(answer.status).toBe(200)
    expect(answer.body.flows).toEqual([
      { type: 'm.login.sso', identity_providers: [{ id: 'test-idp', name: 'Test identity provider' }] },
      { type: 'm.login.token', get_login_token: true },
      { type: 'm.login.password' },
    ])
  })

  it('reports the login-token capability to a signed-in user', async () => {
    const { accessToken } = await login(t.hs)
    const answer = await call(t.hs, 'GET', '/_matrix/client/v3/capabilities', { token: accessToken })
    expect(answer.status).toBe(200)
    expect(answer.body.capabilities['m.get_login_token']).toEqual({ enabled: true })
    expect(answer.body.capabilities['m.change_password']).toEqual({ enabled: true })
  })

  it('answers capabilities without a token with 401 M_MISSING_TOKEN', async () => {
    const answer = await call(t.hs, 'GET', '/_matrix/client/v3/capabilities')
    expect(answer.status).toBe(401)
    expect(answer.body.errcode).toBe('M_MISSING_TOKEN')
  })

  it('does not offer the OAuth 2.0 API outside MAS mode', async () => {
    const answer = await call(t.hs, 'GET', '/_matrix/client/v1/auth_metadata')
    expect(answer.status).toBe(404)
    expect(answer.body.errcode).toBe('M_UNRECOGNIZED')
  })

  it('answers unknown endpoints 404 and a wrong method 405, both M_UNRECOGNIZED', async () => {
    t.sendingBadRequestsOnPurpose()
    const unknown = await call(t.hs, 'GET', '/_matrix/client/v3/publicRooms')
    expect([unknown.status, unknown.body.errcode]).toEqual([404, 'M_UNRECOGNIZED'])
    const wrongMethod = await call(t.hs, 'GET', '/_matrix/client/v3/logout')
    expect([wrongMethod.status, wrongMethod.body.errcode]).toEqual([405, 'M_UNRECOGNIZED'])
  })
})

describe('discovery on a configured homeserver', () => {
  it('serves a custom well-known document, or 404 when there is none', async () => {
    const custom = await startHomeserver({ wellKnown: { 'm.homeserver': { base_url: 'https://matrix.example.org' }, 'org.example.x': 1 } })
    const none = await startHomeserver({ wellKnown: null })
    try {
      expect((await call(custom, 'GET', '/.well-known/matrix/client')).body['m.homeserver'].base_url).toBe('https://matrix.example.org')
      expect((await call(none, 'GET', '/.well-known/matrix/client')).status).toBe(404)
      assertRequestsConformToSpec([...custom.requests, ...none.requests])
    } finally {
      await custom.close()
      await none.close()
    }
  })

  it('shapes the login flows as configured', async () => {
    const hs = await startHomeserver({
      flows: {
        password: false, getLoginToken: false, oauthAwarePreferred: true, applicationService: true,
        identityProviders: [{ id: 'github', name: 'GitHub', brand: 'github', icon: 'mxc://localhost/github' }, { id: 'gitlab', name: 'GitLab' }],
      },
      unstableFeatures: {},
    })
    try {
      const flows = (await call(hs, 'GET', '/_matrix/client/v3/login')).body.flows
      expect(flows).toEqual([
        {
          type: 'm.login.sso',
          oauth_aware_preferred: true,
          identity_providers: [{ id: 'github', name: 'GitHub', brand: 'github', icon: 'mxc://localhost/github' }, { id: 'gitlab', name: 'GitLab' }],
        },
        { type: 'm.login.token' },
        { type: 'm.login.application_service' },
      ])
      expect((await call(hs, 'GET', '/_matrix/client/versions')).body.unstable_features).toEqual({})
      assertRequestsConformToSpec(hs.requests)
    } finally {
      await hs.close()
    }
  })

  it('can report the login-token capability independently of the login flows', async () => {
    const hs = await startHomeserver({ users: [{ localpart: 'alice', password: 'pw' }], capabilitiesGetLoginToken: false })
    try {
      const { accessToken } = await login(hs, 'alice', 'pw')
      const capabilities = (await call(hs, 'GET', '/_matrix/client/v3/capabilities', { token: accessToken })).body.capabilities
      expect(capabilities['m.get_login_token']).toEqual({ enabled: false })
    } finally {
      await hs.close()
    }
  })
})
