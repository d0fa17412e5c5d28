import { afterEach, describe, expect, it, vi } from 'vitest'
import { MatrixClient, MatrixError, runUia, type StageHandler, type UiaContext } from '../matrix'
import { SsoError } from './errors'
import { beginSsoSignIn } from './flow'
import { SSO_UIA_STAGE, ssoUiaStage, ssoUiaStages, type ConfirmRequest, type SsoUiaStageOptions } from './uia-stage'
import { aPersonAtTheBrowser, browse } from '../../../test/sso/browser'
import { FAST, homeserverPerTest } from '../../../test/sso/homeserver'

// --- factories -------------------------------------------------------------------------------

const { homeserver, server } = homeserverPerTest()

afterEach(() => {
  vi.restoreAllMocks()
})

/** Carol signed in on a new device (with a login token, as SSO would end). */
async function carolSignedIn(): Promise<MatrixClient> {
  return (await carolSignIn()).client
}

async function carolSignIn(): Promise<{ client: MatrixClient; deviceId: string }> {
  const client = new MatrixClient({ baseUrl: server().url, transport: FAST })
  const { deviceId } = await client.login({ type: 'token', token: server().mintLoginToken('carol'), refreshToken: false })
  return { client, deviceId }
}

async function carolOnTwoDevices(): Promise<{ client: MatrixClient; other: string }> {
  const client = await carolSignedIn()
  const { deviceId: other } = await carolSignIn()
  return { client, other }
}

/** A person at the browser: loads the fallback page and presses `decision`, after `afterMs`. */
const aPerson = (decision = 'continue', afterMs = 0) => aPersonAtTheBrowser({ decision }, afterMs)

function stages(over: Partial<SsoUiaStageOptions> = {}) {
  return ssoUiaStages({ openExternal: aPerson().openExternal, pollIntervalMs: 20, timeoutMs: 3_000, ...over })
}

function calls(endpoint: string) {
  return server().requests.filter((r) => r.endpoint === endpoint)
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

/** A UIA driver context for tests that need no server. */
const offline: UiaContext = {
  endpoint: 'deleteDevice',
  host: 'example.org',
  label: 'the device deletion',
  fallbackUrl: (stage, session) => `https://example.org/_matrix/client/v3/auth/${stage}/fallback/web?session=${session}`,
  resolveUser: async () => '@carol:example.org',
}

function challenge(stagesOffered: string[], completed: string[] = []): MatrixError {
  return new MatrixError({
    kind: 'uia',
    endpoint: 'deleteDevice',
    host: 'example.org',
    status: 401,
    message: 'example.org asks for confirmation.',
    uia: { flows: [{ stages: stagesOffered }], session: 'sess', params: {}, completed },
  })
}

// --- tests -----------------------------------------------------------------------------------

describe('the m.login.sso stage through the fallback page', () => {
  it('deletes a device of an SSO-only account once the person continues on the fallback page', async () => {
    const { client, other } = await carolOnTwoDevices()
    const person = aPerson()

    await client.deleteDevice(other, { stages: stages({ openExternal: person.openExternal }) })

    expect(server().devicesOf('carol').map((d) => d.deviceId)).not.toContain(other)
    expect(server().devicesOf('carol')).toHaveLength(1)
    const session = (calls('deleteDevice')[0]?.responseBody as { session: string }).session
    expect(person.opened).toEqual([`${server().url}/_matrix/client/v3/auth/m.login.sso/fallback/web?session=${session}`])
    expect((await person.lastVisit).text).toContain('Done. You can close this window')
    expect(calls('deleteDevice').at(-1)).toMatchObject({ status: 200, body: { auth: { session } } })
  })

  it('makes a login token for an SSO-only account when the person says they are done', async () => {
    const client = await carolSignedIn()
    const person = aPerson()
    const asked: ConfirmRequest[] = []
    const confirm = async (request: ConfirmRequest): Promise<void> => {
      asked.push(request)
      await person.lastVisit // the person presses "Done" in Latchkey after the page says so
    }

    const token = await client.getLoginToken({ stages: ssoUiaStages({ openExternal: person.openExternal, confirm, timeoutMs: 3_000 }) })

    expect(token.loginToken).toEqual(expect.any(String))
    expect(asked).toEqual([{ attempt: 0, fallbackUrl: person.opened[0] }])
    // Without polling, the request is retried only when the person says so.
    expect(calls('getLoginToken').map((r) => r.status)).toEqual([401, 200])
    const signedIn = new MatrixClient({ baseUrl: server().url, transport: FAST })
    await expect(signedIn.login({ type: 'token', token: token.loginToken })).resolves.toMatchObject({ userId: '@carol:localhost' })
  })

  it('asks the person again when they said done before the server saw the confirmation', async () => {
    const { client, other } = await carolOnTwoDevices()
    const person = aPerson()
    const asked: number[] = []
    const confirm = async ({ attempt }: ConfirmRequest): Promise<void> => {
      asked.push(attempt)
      if (attempt > 0) await person.lastVisit
    }

    await client.deleteDevice(other, { stages: ssoUiaStages({ openExternal: person.openExternal, confirm }) })

    expect(asked).toEqual([0, 1])
    expect(person.opened).toHaveLength(1)
    expect(calls('deleteDevice').map((r) => r.status)).toEqual([401, 401, 200])
  })

  it('keeps polling past the driver’s round limit while the person takes their time', async () => {
    const { client, other } = await carolOnTwoDevices()
    const person = aPerson('continue', 500)

    await client.deleteDevice(other, { stages: stages({ openExternal: person.openExternal, pollIntervalMs: 15 }) })

    expect(calls('deleteDevice').length).toBeGreaterThan(10)
    expect(server().devicesOf('carol')).toHaveLength(1)
  })

  it('with confirm and polling, finishes on whichever comes first', async () => {
    const { client, other } = await carolOnTwoDevices()
    const confirm = vi.fn(() => new Promise<void>(() => {})) // the person never presses Done

    await client.deleteDevice(other, { stages: stages({ confirm, pollIntervalMs: 20 }) })

    expect(confirm).toHaveBeenCalledTimes(1)
    expect(server().devicesOf('carol')).toHaveLength(1)
  })

  it('an account signed in through SSO signs its other device out through SSO', async () => {
    const { deviceId: other } = await carolSignIn()
    const signIn = await beginSsoSignIn({
      baseUrl: server().url,
      transport: FAST,
      openExternal: async (url) => void browse(url, { fields: { user: '@carol:localhost' } }).catch(() => {}),
    })
    const credentials = await signIn.done
    const client = new MatrixClient({ baseUrl: credentials.homeserverUrl, credentials, userId: credentials.userId, transport: FAST })

    await client.deleteDevice(other, { stages: stages() })

    expect(server().devicesOf('carol').map((d) => d.deviceId)).toEqual([credentials.deviceId])
  })

  it('uses the r0 fallback page on a server that speaks only r0', async () => {
    await homeserver({ versions: ['r0.6.1'] })
    const { client, other } = await carolOnTwoDevices()
    const person = aPerson()

    await client.deleteDevice(other, { stages: stages({ openExternal: person.openExternal }) })

    expect(new URL(person.opened[0] ?? '').pathname).toBe('/_matrix/client/r0/auth/m.login.sso/fallback/web')
    expect(server().devicesOf('carol')).toHaveLength(1)
  })
})

describe('when the confirmation does not happen', () => {
  it('times out and changes nothing when the person never finishes the page', async () => {
    const { client, other } = await carolOnTwoDevices()

    const error = await rejection(client.deleteDevice(other, { stages: stages({ openExternal: async () => {}, timeoutMs: 150 }) }))

    expect(error).toBeInstanceOf(SsoError)
    expect(error).toMatchObject({ code: 'timeout', message: 'The confirmation in the browser did not finish within 150 milliseconds; nothing was changed. Try again.' })
    expect(server().devicesOf('carol').map((d) => d.deviceId)).toContain(other)
  })

  it('times out when the identity provider refuses the confirmation', async () => {
    server().setIdpFailure('error-page')
    const { client, other } = await carolOnTwoDevices()
    const person = aPerson()

    const error = await rejection(client.deleteDevice(other, { stages: stages({ openExternal: person.openExternal, timeoutMs: 300 }) }))

    expect((await person.lastVisit).status).toBe(403)
    expect(error).toMatchObject({ name: 'SsoError', code: 'timeout' })
    expect(server().devicesOf('carol')).toHaveLength(2)
  })

  it('stops with cancelled when the signal is aborted while the person is away', async () => {
    const { client, other } = await carolOnTwoDevices()
    const abort = new AbortController()
    const confirm = (): Promise<void> => {
      setTimeout(() => abort.abort(), 30)
      return new Promise<void>(() => {})
    }

    const error = await rejection(client.deleteDevice(other, { stages: stages({ confirm, pollIntervalMs: undefined, signal: abort.signal, openExternal: async () => {} }) }))

    expect(error).toMatchObject({ name: 'SsoError', code: 'cancelled' })
    expect(server().devicesOf('carol')).toHaveLength(2)
  })

  it('passes on what confirm threw (the person closed the prompt)', async () => {
    const { client, other } = await carolOnTwoDevices()
    const closed = new Error('prompt closed')

    await expect(client.deleteDevice(other, { stages: stages({ confirm: async () => Promise.reject(closed), pollIntervalMs: undefined }) })).rejects.toBe(closed)
  })
})

describe('stages it cannot do', () => {
  it('a server that asks for a stage with no handler gets a clear error naming it', async () => {
    const request = async (): Promise<never> => {
      throw challenge(['m.login.recaptcha'])
    }

    const error = await rejection(runUia(request, { stages: stages() }, offline))

    expect(error).toMatchObject({ kind: 'uia', stage: 'm.login.recaptcha' })
    expect((error as Error).message).toBe('example.org asks for a confirmation step Latchkey cannot complete here (m.login.recaptcha).')
  })

  it('the handler wired to another stage says which one it cannot do', async () => {
    const request = async (): Promise<never> => {
      throw challenge(['m.login.recaptcha'])
    }
    const miswired = { 'm.login.recaptcha': ssoUiaStage({ openExternal: async () => {} }) }

    const error = await rejection(runUia(request, { stages: miswired }, offline))

    expect(error).toBeInstanceOf(TypeError)
    expect((error as Error).message).toBe('The single sign-on handler cannot complete the m.login.recaptcha step; it completes only m.login.sso.')
  })

  it('a handler that does not poll is still tried only twice by the driver', async () => {
    let attempts = 0
    const request = async (): Promise<never> => {
      attempts++
      throw challenge([SSO_UIA_STAGE])
    }
    const once: StageHandler = async () => {}

    await expect(runUia(request, { stages: { [SSO_UIA_STAGE]: once } }, offline)).rejects.toMatchObject({
      message: 'The m.login.sso step for the device deletion on example.org was not completed.',
    })
    expect(attempts).toBe(3)
  })
})

describe('secrets', () => {
  it('no access or login token appears in a log line while confirming through the browser', async () => {
    const logged: unknown[][] = []
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args))
    }
    const client = new MatrixClient({ baseUrl: server().url, transport: FAST })
    const { accessToken } = await client.login({ type: 'token', token: server().mintLoginToken('carol') })

    const { loginToken } = await client.getLoginToken({ stages: stages() })

    const said = JSON.stringify(logged)
    expect(said).not.toContain(accessToken)
    expect(said).not.toContain(loginToken)
    expect(logged).toEqual([])
  })
})
