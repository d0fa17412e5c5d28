import { describe, expect, it } from 'vitest'
import { RegistryError, SecretStoreError } from '../accounts/errors'
import { MatrixError, type MatrixErrorInit } from '../matrix/errors'
import { SsoError } from '../sso/errors'
import { toContractError } from './errors'

const matrix = (init: Partial<MatrixErrorInit> & Pick<MatrixErrorInit, 'kind'>) =>
  new MatrixError({ endpoint: 'login', host: 'example.org', message: 'example.org said no.', ...init })

describe('toContractError', () => {
  it('says the server refused the password when a password sign-in gets M_FORBIDDEN', () => {
    const error = toContractError(matrix({ kind: 'http', status: 403, errcode: 'M_FORBIDDEN' }), { login: 'password' })
    expect(error.code).toBe('wrong-credentials')
    expect(error.message).toBe('example.org refused the user name or password.')
  })

  it('says a login token may have been used already when a token sign-in is refused', () => {
    const error = toContractError(matrix({ kind: 'http', status: 403, errcode: 'M_FORBIDDEN' }), { login: 'login-token' })
    expect(error.code).toBe('wrong-credentials')
    expect(error.message).toMatch(/used already or have expired/)
  })

  it('names the wait in a rate-limit sentence about the action', () => {
    const error = toContractError(matrix({ kind: 'rate-limited', status: 429, errcode: 'M_LIMIT_EXCEEDED', retryAfterMs: 58_000 }), {
      action: 'making another login token',
    })
    expect(error.code).toBe('rate-limited')
    expect(error.retryAfterMs).toBe(58_000)
    expect(error.message).toBe('example.org asks you to wait 58 seconds before making another login token.')
  })

  it.each([
    ['network', 'unreachable'],
    ['timeout', 'unreachable'],
    ['malformed', 'bad-response'],
    ['user-locked', 'locked'],
    ['invalid-input', 'invalid-argument'],
    ['cancelled', 'cancelled'],
    ['persist', 'storage'],
  ] as const)('maps a %s MatrixError to %s', (kind, code) => {
    expect(toContractError(matrix({ kind })).code).toBe(code)
  })

  it('tells a soft logout from a hard one', () => {
    expect(toContractError(matrix({ kind: 'logged-out', softLogout: true })).code).toBe('soft-logged-out')
    expect(toContractError(matrix({ kind: 'logged-out', softLogout: false })).code).toBe('logged-out')
  })

  it('lists the stages the server accepts when it wants User-Interactive Authentication', () => {
    const error = toContractError(
      matrix({ kind: 'uia', status: 401, uia: { flows: [{ stages: ['m.login.sso'] }], params: {}, completed: [], session: 's' } }),
    )
    expect(error.code).toBe('auth-required')
    expect(error.authStages).toEqual(['m.login.sso'])
    expect(error.message).toBe('example.org asks you to confirm this in your browser.')
  })

  it('reports a refused UIA password as wrong credentials', () => {
    const error = toContractError(
      matrix({ kind: 'uia', status: 401, uia: { flows: [{ stages: ['m.login.password'] }], params: {}, completed: [], errcode: 'M_FORBIDDEN' } }),
    )
    expect(error.code).toBe('wrong-credentials')
  })

  it('keeps the account-management address of an unsupported call', () => {
    const error = toContractError(matrix({ kind: 'unsupported', accountManagementUrl: 'https://auth.example.org/account' }))
    expect(error).toMatchObject({ code: 'unsupported', url: 'https://auth.example.org/account' })
  })

  it('maps the lower layers\' own errors', () => {
    expect(toContractError(new SsoError('cancelled', 'The sign-in was cancelled.')).code).toBe('cancelled')
    expect(toContractError(new RegistryError('unknown-account', 'No account with id x.')).code).toBe('not-found')
    expect(toContractError(new RegistryError('unwritable', 'Cannot save.')).code).toBe('storage')
    expect(toContractError(new SecretStoreError('corrupt-secret', 'The secret of @a:b is damaged')).message).toBe('The secret of @a:b is damaged.')
  })

  it('never passes on the text of an unexpected error', () => {
    const error = toContractError(new Error('Bearer syt_leaked_token'))
    expect(error.code).toBe('internal')
    expect(error.message).not.toContain('syt_leaked_token')
  })

  it("puts a person's sentence first and the protocol's words behind Details when a proxy answers 502 during discovery", () => {
    const proxy = matrix({ kind: 'http', endpoint: 'wellKnown', status: 502, message: 'example.org failed to handle the discovery file with an error page (HTTP 502 Bad Gateway); the server or a proxy in front of it is having trouble. Try again later.' })
    const error = toContractError(
      matrix({ kind: 'discovery', endpoint: 'discovery', discovery: 'FAIL_PROMPT', status: 502, cause: proxy, message: `example.org publishes a discovery file (/.well-known/matrix/client) that cannot be used: ${proxy.message} Enter the homeserver’s URL instead.` }),
    )
    expect(error.code).toBe('unreachable')
    expect(error.message).toBe('Trouble at example.org: the server, or a proxy in front of it, failed to answer. Try again in a few minutes.')
    expect(error.message).not.toMatch(/HTTP|discovery|well-known|URL/)
    expect(error.detail).toContain('HTTP 502 Bad Gateway')
  })

  it('says an address that is no Matrix server is to be checked, not that it lacks the version check', () => {
    const error = toContractError(matrix({ kind: 'unsupported', endpoint: 'versions', message: 'example.org does not offer the version check.' }))
    expect(error.message).toMatch(/^example.org does not answer as a Matrix server\. Check that the address is right/)
    expect(error.detail).toBe('example.org does not offer the version check.')
  })

  it('keeps network codes out of the sentence and in the details', () => {
    const error = toContractError(matrix({ kind: 'network', message: 'Could not reach example.org securely: the secure connection failed (EPROTO).' }))
    expect(error.message).toBe('Could not reach example.org securely: the secure connection failed.')
    expect(error.detail).toBe('Could not reach example.org securely: the secure connection failed (EPROTO).')
    const plain = toContractError(matrix({ kind: 'network', message: 'Could not reach example.org: the connection was refused.' }))
    expect(plain.message).toBe('Could not reach example.org: the connection was refused.')
    expect(plain.detail).toBeUndefined()
  })
})
