import { describe, expect, it } from 'vitest'
import { assertRequestsConformToSpec, findOperation, specViolations, validateRequest, validateResponse, specAvailable, type ExchangeRecord } from './openapi'

// Without MATRIX_SPEC_DIR there is no spec to validate against: the whole file is skipped (said once by the run's setup).
describe.skipIf(!specAvailable)('the Matrix spec as a validator (needs MATRIX_SPEC_DIR)', () => {
  const exchange = (over: Partial<ExchangeRecord>): ExchangeRecord => ({
    method: 'GET', path: '/_matrix/client/v3/account/whoami', body: undefined, status: 200,
    responseBody: { user_id: '@alice:localhost', device_id: 'D' }, ...over,
  })

  describe('finding the operation of a concrete request', () => {
    it('maps r0 and v3 prefixes to the same operation', () => {
      expect(findOperation('GET', '/_matrix/client/r0/devices/ABC')).toEqual(findOperation('GET', '/_matrix/client/v3/devices/ABC'))
      expect(findOperation('GET', '/_matrix/client/v3/devices/ABC')?.operationId).toBe('getDevice')
    })

    it('tells apart endpoints that differ only by method or by a literal segment', () => {
      expect(findOperation('DELETE', '/_matrix/client/v3/devices/ABC')?.operationId).toBe('deleteDevice')
      expect(findOperation('GET', '/_matrix/client/v3/login/sso/redirect')?.operationId).toBe('redirectToSSO')
      expect(findOperation('GET', '/_matrix/client/v3/login/sso/redirect/github')?.operationId).toBe('redirectToIdP')
      expect(findOperation('POST', '/_matrix/client/v1/login/get_token')?.operationId).toBe('generateLoginToken')
      expect(findOperation('GET', '/.well-known/matrix/client')?.operationId).toBe('getWellknown')
    })

    it('knows no v1 devices endpoint and no unstable prefixes', () => {
      expect(findOperation('GET', '/_matrix/client/v1/devices')).toBeUndefined()
      expect(validateRequest('GET', '/_matrix/client/v1/devices', undefined)).toEqual(['GET /_matrix/client/v1/devices is not an operation of the Client-Server API'])
    })
  })

  describe('validating requests', () => {
    it('accepts a well-formed password login and rejects a wrongly typed one', () => {
      expect(validateRequest('POST', '/_matrix/client/v3/login', { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'a' }, password: 'p' })).toEqual([])
      expect(validateRequest('POST', '/_matrix/client/v3/login', { type: 'm.login.password', identifier: { user: 'a' }, refresh_token: 'yes' })).toEqual([
        "/identifier must have required property 'type'",
        '/refresh_token must be boolean',
      ])
    })

    it('requires the body the spec marks required', () => {
      expect(validateRequest('POST', '/_matrix/client/v3/delete_devices', undefined)).toEqual(['the request has no body but the spec requires one'])
      expect(validateRequest('POST', '/_matrix/client/v3/delete_devices', {})).toEqual(["(body) must have required property 'devices'"])
    })
  })

  describe('validating responses', () => {
    it('follows $refs into other files (well_known → definitions/wellknown/full.yaml → homeserver.yaml)', () => {
      const body = { user_id: '@a:b', access_token: 't', device_id: 'D', well_known: { 'm.homeserver': { base_url: 42 } } }
      expect(validateResponse('POST', '/_matrix/client/v3/login', 200, body)).toEqual(['/well_known/m.homeserver/base_url must be string'])
    })

    it('checks Matrix formats such as mx-user-id', () => {
      expect(validateResponse('GET', '/_matrix/client/v3/account/whoami', 200, { user_id: '@alice' })).toContain('/user_id must match format "mx-user-id"')
    })

    it('accepts the common errors on any endpoint, and checks their fields', () => {
      expect(validateResponse('GET', '/_matrix/client/v3/devices', 401, { errcode: 'M_MISSING_TOKEN', error: 'x' })).toEqual([])
      expect(validateResponse('GET', '/_matrix/client/v3/devices', 429, { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 1.5 })).toEqual(['/retry_after_ms must be integer'])
      expect(validateResponse('GET', '/_matrix/client/v3/devices', 401, { errcode: 'M_UNKNOWN_TOKEN', soft_logout: 'no' })).toEqual(['/soft_logout must be boolean'])
      expect(validateResponse('GET', '/_matrix/client/v3/devices', 401, { errcode: 'M_USER_LOCKED' })).toEqual(['M_USER_LOCKED must carry soft_logout: true'])
    })

    it('requires the UIA fields on a 401 that is not about the access token', () => {
      expect(validateResponse('DELETE', '/_matrix/client/v3/devices/X', 401, { errcode: 'M_FORBIDDEN', error: 'wrong password' })).toEqual([
        "(body) must have required property 'flows'",
      ])
      expect(validateResponse('DELETE', '/_matrix/client/v3/devices/X', 401, { errcode: 'M_UNKNOWN_TOKEN', soft_logout: false })).toEqual([])
    })

    it('flags a status the spec does not document that is not a common error', () => {
      expect(validateResponse('GET', '/_matrix/client/v3/account/whoami', 201, {})).toEqual([
        'status 201 is not documented for GET /_matrix/client/v3/account/whoami',
      ])
    })

    it('flags a body that is not JSON where the spec documents JSON', () => {
      expect(validateResponse('GET', '/_matrix/client/v3/account/whoami', 200, '<html>')).toEqual(['the response body is not JSON'])
    })
  })

  describe('assertRequestsConformToSpec', () => {
    it('passes conforming exchanges and skips faulted ones', () => {
      expect(() => assertRequestsConformToSpec([exchange({}), exchange({ fault: 'malformed-json', responseBody: '{"user' })])).not.toThrow()
    })

    it('throws one readable line per violation', () => {
      const records = [exchange({ responseBody: { device_id: 'D' } }), exchange({ method: 'POST', path: '/_matrix/client/v3/login', body: { type: 7 }, status: 400, responseBody: { errcode: 'M_BAD_JSON' } })]
      expect(() => assertRequestsConformToSpec(records)).toThrow(
        "2 exchange(s) do not conform to the Matrix spec:\n" +
          "  - GET /_matrix/client/v3/account/whoami → 200: response (body) must have required property 'user_id'\n" +
          '  - POST /_matrix/client/v3/login → 400: request /type must be string',
      )
    })

    it('can check only the answers, for tests that send bad requests on purpose', () => {
      const bad = exchange({ method: 'POST', path: '/_matrix/client/v3/login', body: { type: 7 }, status: 400, responseBody: { errcode: 'M_BAD_JSON' } })
      expect(specViolations([bad], { requests: false })).toEqual([])
    })
  })

  describe('the spec files', () => {
    it('compile into validators for every request and response of the session and device endpoints', () => {
      const operations: Array<[string, string]> = [
        ['GET', '/_matrix/client/versions'], ['GET', '/_matrix/client/v3/login'], ['POST', '/_matrix/client/v3/login'],
        ['POST', '/_matrix/client/v3/logout'], ['POST', '/_matrix/client/v3/logout/all'], ['POST', '/_matrix/client/v3/refresh'],
        ['GET', '/_matrix/client/v3/capabilities'], ['GET', '/_matrix/client/v1/auth_metadata'], ['GET', '/_matrix/client/v3/profile/x'],
      ]
      for (const [method, path] of operations) {
        expect(() => validateRequest(method, path, {})).not.toThrow()
        for (const status of [200, 400, 401, 403, 404, 429]) expect(() => validateResponse(method, path, status, {})).not.toThrow()
      }
    })
  })
})
