import { describe, expect, it } from 'vitest'
import { MatrixError } from './errors'
import { rejection, useHomeserver } from '../../../test/matrix/kit'
import { chooseFlow, runUia, type StageContext } from './uia'
import type { AuthDict, UiaState } from './uia-state'

/** A browser stand-in: opens the fallback page and presses Continue (or Cancel). */
async function pressOnFallbackPage(url: string, decision: 'continue' | 'cancel' = 'continue'): Promise<void> {
  const page = await fetch(url)
  expect(page.status).toBe(200)
  expect(await page.text()).toContain('<form')
  const done = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `decision=${decision}` })
  expect(done.status).toBe(200)
}

describe('User-Interactive Authentication against the test homeserver', () => {
  const kit = useHomeserver()

  it('completes the password stage with the session and an m.id.user identifier', async () => {
    const client = await kit.signedIn()
    const victim = (await (await kit.signedIn()).whoami()).deviceId!
    kit.hs.clearRequests()
    await client.deleteDevice(victim, { password: 'wonderland' })
    const calls = kit.hs.requests.filter((r) => r.endpoint === 'deleteDevice')
    expect(calls.map((r) => r.status)).toEqual([401, 200])
    expect(calls[0]?.body).toEqual({})
    const session = (calls[0]?.responseBody as { session: string }).session
    expect(calls[1]?.body).toEqual({ auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: '@alice:localhost' }, password: 'wonderland', session } })
  })

  it('asks for the password only when the password stage is chosen, and finds the user with whoami', async () => {
    const signedIn = await kit.signedIn()
    const loginBody = kit.hs.requests.find((r) => r.endpoint === 'login')?.responseBody as { access_token: string }
    const client = kit.client({ credentials: { accessToken: loginBody.access_token } })
    let asked = 0
    const t = await client.getLoginToken({ password: async () => (asked++, 'wonderland') })
    expect(t.loginToken).toMatch(/\S/)
    expect(asked).toBe(1)
    expect(kit.hs.requests.some((r) => r.endpoint === 'whoami')).toBe(true)
    void signedIn
  })

  it('says the server refused a wrong password, and deletes nothing', async () => {
    const client = await kit.signedIn()
    const victim = (await (await kit.signedIn()).whoami()).deviceId!
    const e = await rejection(client.deleteDevice(victim, { password: 'guess-1234' }))
    expect(e).toMatchObject({ kind: 'uia', errcode: 'M_FORBIDDEN', stage: 'm.login.password', endpoint: 'deleteDevice' })
    expect(e.message).toBe(`${new URL(kit.hs.url).host} refused the password.`)
    expect(JSON.stringify(e)).not.toContain('guess-1234')
    expect(kit.hs.devicesOf('alice').map((d) => d.deviceId)).toContain(victim)
  })

  it('says it needs the password when none was given', async () => {
    const client = await kit.signedIn()
    const e = await rejection(client.getLoginToken())
    expect(e).toMatchObject({ kind: 'uia', stage: 'm.login.password' })
    expect(e.uia?.flows).toEqual([{ stages: ['m.login.password'] }])
    expect(e.message).toBe(`${new URL(kit.hs.url).host} asks for your password before the login token request.`)
  })

  it('names a stage it has no handler for', async () => {
    // carol has no password (an SSO-only account), so the server offers m.login.sso.
    const carol = kit.client()
    await carol.login({ type: 'token', token: kit.hs.mintLoginToken('carol') })
    const e = await rejection(carol.getLoginToken({ password: 'irrelevant' }))
    expect(e).toMatchObject({ kind: 'uia', stage: 'm.login.sso' })
    expect(e.message).toBe(`${new URL(kit.hs.url).host} asks for a confirmation step Latchkey cannot complete here (m.login.sso).`)
  })

  it('completes m.login.sso through the caller’s handler and the fallback page, then retries with the session', async () => {
    const carol = kit.client()
    await carol.login({ type: 'token', token: kit.hs.mintLoginToken('carol') })
    const other = kit.client()
    await other.login({ type: 'token', token: kit.hs.mintLoginToken('carol') })
    const victim = (await other.whoami()).deviceId!
    const seen: StageContext[] = []
    await carol.deleteDevice(victim, {
      stages: {
        'm.login.sso': async (ctx) => {
          seen.push(ctx)
          await pressOnFallbackPage(ctx.fallbackUrl!)
        },
      },
    })
    expect(seen).toHaveLength(1)
    expect(seen[0]?.fallbackUrl).toBe(`${kit.hs.url}/_matrix/client/v3/auth/m.login.sso/fallback/web?session=${encodeURIComponent(seen[0]!.session!)}`)
    const calls = kit.hs.requests.filter((r) => r.endpoint === 'deleteDevice')
    expect(calls.map((r) => r.status)).toEqual([401, 200])
    expect(calls[1]?.body).toEqual({ auth: { session: seen[0]?.session } })
    expect(kit.hs.devicesOf('carol').map((d) => d.deviceId)).not.toContain(victim)
  })

  it('gives up with a clear error when the browser step is never completed', async () => {
    const carol = kit.client()
    await carol.login({ type: 'token', token: kit.hs.mintLoginToken('carol') })
    let opened = 0
    const e = await rejection(
      carol.getLoginToken({
        stages: {
          'm.login.sso': async (ctx) => {
            opened++
            await pressOnFallbackPage(ctx.fallbackUrl!, 'cancel')
          },
        },
      }),
    )
    expect(opened).toBe(2)
    expect(e).toMatchObject({ kind: 'uia', stage: 'm.login.sso' })
    expect(e.message).toBe(`The m.login.sso step for the login token request on ${new URL(kit.hs.url).host} was not completed.`)
  })
})

describe('the UIA driver on its own', () => {
  const state = (flows: string[][], completed: string[] = [], extra: Partial<UiaState> = {}): UiaState => ({
    flows: flows.map((stages) => ({ stages })),
    session: 'S',
    params: {},
    completed,
    ...extra,
  })
  const ctx = { endpoint: 'deleteDevice', host: 'hs.example', label: 'the device sign-out', fallbackUrl: (s: string, id: string) => `https://hs.example/${s}/${id}`, resolveUser: async () => '@me:hs.example' }
  const uia = (s: UiaState) => new MatrixError({ kind: 'uia', endpoint: 'deleteDevice', host: 'hs.example', message: 'uia', status: 401, uia: s })

  it('takes a stage the server names after an Object.prototype member for one it cannot complete', async () => {
    for (const stage of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const asked = state([[stage]], [], { params: JSON.parse(`{"${stage}": {"x": 1}}`) as UiaState['params'] })
      const e = await rejection(runUia(async () => Promise.reject(uia(asked)), { password: 'pw', stages: { 'm.login.sso': async () => undefined } }, ctx))
      expect(e).toMatchObject({ kind: 'uia', stage })
      expect(e.message).toBe(`hs.example asks for a confirmation step Latchkey cannot complete here (${stage}).`)
    }
  })

  it('chooses the shortest flow it can complete, consistent with what is completed', () => {
    const s = state([['m.login.recaptcha'], ['m.login.dummy', 'm.login.password'], ['m.login.password']])
    expect(chooseFlow(s, { password: 'x' })).toEqual(['m.login.password'])
    expect(chooseFlow(s, {})).toBeNull()
    expect(chooseFlow(state([['m.login.dummy', 'm.login.password']], ['m.login.dummy']), { password: 'x' })).toEqual(['m.login.password'])
    expect(chooseFlow(state([['a', 'b']], ['b']), { stages: { a: async () => {}, b: async () => {} } })).toBeNull()
  })

  it('completes a multi-stage flow in order, handing each handler its params', async () => {
    const sent: Array<AuthDict | undefined> = []
    const answers = [
      state([['m.login.terms', 'm.login.password']], [], { params: { 'm.login.terms': { policies: { tos: {} } } } }),
      state([['m.login.terms', 'm.login.password']], ['m.login.terms']),
    ]
    const result = await runUia(
      async (auth) => {
        sent.push(auth)
        const next = answers.shift()
        if (next) throw uia(next)
        return 'done'
      },
      { password: 'pw', stages: { 'm.login.terms': async ({ params }) => ({ type: 'm.login.terms', seen: Object.keys(params) }) } },
      ctx,
    )
    expect(result).toBe('done')
    expect(sent).toEqual([
      undefined,
      { type: 'm.login.terms', seen: ['policies'], session: 'S' },
      { type: 'm.login.password', identifier: { type: 'm.id.user', user: '@me:hs.example' }, password: 'pw', session: 'S' },
    ])
  })

  it('stops a server that keeps asking', async () => {
    const stages = Array.from({ length: 10 }, (_, i) => `x.stage${i}`)
    let round = 0
    const handlers = Object.fromEntries(stages.map((s) => [s, async () => ({})]))
    const e = await rejection(runUia(async () => { throw uia(state([stages], stages.slice(0, round++))) }, { maxRounds: 4, stages: handlers }, ctx))
    expect(e.message).toMatch(/kept asking for more confirmation steps for the device sign-out; Latchkey stopped after 4\.$/)
  })

  it('passes other errors through untouched', async () => {
    const boom = new MatrixError({ kind: 'network', endpoint: 'deleteDevice', host: 'hs.example', message: 'Could not reach hs.example.' })
    expect(await rejection(runUia(async () => { throw boom }, {}, ctx))).toBe(boom)
  })
})
