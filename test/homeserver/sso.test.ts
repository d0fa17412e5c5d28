import { describe, expect, it } from 'vitest'
import { call, useHomeserver } from './fixtures'
import type { TestHomeserver } from './types'

const LISTENER = 'http://127.0.0.1:9/sso/0123456789abcdef0123456789abcdef?attempt=1'

function formAction(page: string): string {
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1]
  if (!action) throw new Error('the page has no form')
  return action.replace(/&amp;/g, '&').replace(/&#38;/g, '&')
}

async function get(hs: TestHomeserver, pathOrUrl: string): Promise<Response> {
  return fetch(new URL(pathOrUrl, hs.url), { redirect: 'manual' })
}

async function submit(hs: TestHomeserver, action: string, fields: Record<string, string>): Promise<Response> {
  return fetch(new URL(action, hs.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  })
}

/** The browser's walk: redirect endpoint → identity provider page → Continue → back to the app. */
async function signInThroughBrowser(hs: TestHomeserver, user: string, decision = 'continue', idp = ''): Promise<Response> {
  const start = await get(hs, `/_matrix/client/v3/login/sso/redirect${idp ? `/${idp}` : ''}?redirectUrl=${encodeURIComponent(LISTENER)}`)
  expect(start.status).toBe(302)
  const idpPage = await get(hs, start.headers.get('location')!)
  expect(idpPage.status).toBe(200)
  const page = await idpPage.text()
  const redirectUrl = /name="redirectUrl" value="([^"]+)"/.exec(page)![1]!.replace(/&#38;/g, '&')
  return submit(hs, formAction(page), { redirectUrl, user, decision })
}

describe('SSO login through the built-in identity provider', () => {
  const t = useHomeserver()

  it('walks redirect → IdP page → Continue → redirectUrl with a loginToken that signs in once', async () => {
    const back = await signInThroughBrowser(t.hs, '@carol:localhost')
    expect(back.status).toBe(302)
    const location = new URL(back.headers.get('location')!)
    expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:9/sso/0123456789abcdef0123456789abcdef')
    expect(location.searchParams.get('attempt')).toBe('1')
    const loginToken = location.searchParams.get('loginToken')!
    const first = await call(t.hs, 'POST', '/_matrix/client/v3/login', { body: { type: 'm.login.token', token: loginToken } })
    expect([first.status, first.body.user_id]).toEqual([200, '@carol:localhost'])
    const replay = await call(t.hs, 'POST', '/_matrix/client/v3/login', { body: { type: 'm.login.token', token: loginToken } })
    expect([replay.status, replay.body.errcode]).toEqual([403, 'M_FORBIDDEN'])
  })

  it('shows a self-contained, labelled page listing the users of the server', async () => {
    const start = await get(t.hs, `/_matrix/client/v3/login/sso/redirect/test-idp?redirectUrl=${encodeURIComponent(LISTENER)}`)
    const response = await get(t.hs, start.headers.get('location')!)
    const page = await response.text()
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
    expect(page).toContain('<label for="user">Account</label>')
    for (const user of ['@alice:localhost', '@bob:localhost', '@carol:localhost']) expect(page).toContain(`value="${user}"`)
    expect(page).toMatch(/<button type="submit" name="decision" value="continue">Continue<\/button>/)
    expect(page).toMatch(/<button type="submit" name="decision" value="cancel">Cancel<\/button>/)
    expect(page).not.toMatch(/<(link|img|script)\b[^>]*(src|href)=/i)
  })

  it('sends the browser back without a loginToken when the person presses Cancel', async () => {
    const back = await signInThroughBrowser(t.hs, '@alice:localhost', 'cancel')
    expect(back.status).toBe(302)
    expect(back.headers.get('location')).toBe(LISTENER)
  })

  it('makes Continue behave like Cancel with setIdpFailure("cancel")', async () => {
    t.hs.setIdpFailure('cancel')
    const back = await signInThroughBrowser(t.hs, '@alice:localhost')
    expect(back.headers.get('location')).toBe(LISTENER)
  })

  it('ends on an HTML error page that never reaches the app with setIdpFailure("error-page")', async () => {
    t.hs.setIdpFailure('error-page')
    const back = await signInThroughBrowser(t.hs, '@alice:localhost')
    expect(back.status).toBe(403)
    expect(back.headers.get('location')).toBeNull()
    expect(await back.text()).toContain('refused the sign-in')
    t.hs.setIdpFailure(null)
    expect((await signInThroughBrowser(t.hs, '@alice:localhost')).status).toBe(302)
  })

  it('answers an unknown identity provider 404 M_NOT_FOUND', async () => {
    const answer = await call(t.hs, 'GET', `/_matrix/client/v3/login/sso/redirect/nope?redirectUrl=${encodeURIComponent(LISTENER)}`)
    expect([answer.status, answer.body.errcode]).toEqual([404, 'M_NOT_FOUND'])
  })

  it('answers a missing redirectUrl 400 M_MISSING_PARAM', async () => {
    t.sendingBadRequestsOnPurpose()
    for (const path of ['/_matrix/client/v3/login/sso/redirect', '/_matrix/client/v3/login/sso/redirect/test-idp']) {
      const answer = await call(t.hs, 'GET', path)
      expect([answer.status, answer.body.errcode]).toEqual([400, 'M_MISSING_PARAM'])
    }
  })

  it('refuses to sign in an account that is not on the server', async () => {
    const back = await signInThroughBrowser(t.hs, '@mallory:localhost')
    expect(back.status).toBe(400)
    expect(back.headers.get('location')).toBeNull()
  })
})

describe('SSO on a server without it', () => {
  const t = useHomeserver({ flows: { sso: false } })

  it('answers the redirect endpoint 404 M_UNRECOGNIZED', async () => {
    const answer = await call(t.hs, 'GET', `/_matrix/client/v3/login/sso/redirect?redirectUrl=${encodeURIComponent(LISTENER)}`)
    expect([answer.status, answer.body.errcode]).toEqual([404, 'M_UNRECOGNIZED'])
  })
})

describe('UIA for an SSO-only account through the fallback page', () => {
  const t = useHomeserver()

  async function carolSession() {
    const answer = await call(t.hs, 'POST', '/_matrix/client/v3/login', { body: { type: 'm.login.token', token: t.hs.mintLoginToken('carol') } })
    return { token: answer.body.access_token as string, deviceId: answer.body.device_id as string }
  }

  it('completes m.login.sso when the person presses Continue, then the retry with the session succeeds', async () => {
    const carol = await carolSession()
    const path = `/_matrix/client/v3/devices/${carol.deviceId}`
    const challenge = await call(t.hs, 'DELETE', path, { body: {}, token: carol.token })
    expect(challenge.body.flows).toEqual([{ stages: ['m.login.sso'] }])
    const session = challenge.body.session as string
    const pageResponse = await get(t.hs, `/_matrix/client/v3/auth/m.login.sso/fallback/web?session=${encodeURIComponent(session)}`)
    expect(pageResponse.status).toBe(200)
    const page = await pageResponse.text()
    expect(page).toContain('@carol:localhost')
    const done = await submit(t.hs, formAction(page), { decision: 'continue' })
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('postMessage("authDone"')
    const retry = await call(t.hs, 'DELETE', path, { body: { auth: { session } }, token: carol.token })
    expect([retry.status, retry.body]).toEqual([200, {}])
    expect(t.hs.devicesOf('carol')).toEqual([])
  })

  it('issues a login token to an SSO-only account after the fallback page', async () => {
    const carol = await carolSession()
    const challenge = await call(t.hs, 'POST', '/_matrix/client/v1/login/get_token', { body: {}, token: carol.token })
    const session = challenge.body.session as string
    const page = await (await get(t.hs, `/_matrix/client/v3/auth/m.login.sso/fallback/web?session=${session}`)).text()
    await submit(t.hs, formAction(page), { decision: 'continue' })
    const answer = await call(t.hs, 'POST', '/_matrix/client/v1/login/get_token', { body: { auth: { session } }, token: carol.token })
    expect(answer.status).toBe(200)
    expect(answer.body.login_token).toEqual(expect.any(String))
  })

  it('leaves the stage incomplete when the person presses Cancel', async () => {
    const carol = await carolSession()
    const path = `/_matrix/client/v3/devices/${carol.deviceId}`
    const session = (await call(t.hs, 'DELETE', path, { body: {}, token: carol.token })).body.session as string
    const page = await (await get(t.hs, `/_matrix/client/v3/auth/m.login.sso/fallback/web?session=${session}`)).text()
    await submit(t.hs, formAction(page), { decision: 'cancel' })
    const retry = await call(t.hs, 'DELETE', path, { body: { auth: { session } }, token: carol.token })
    expect(retry.status).toBe(401)
    expect(retry.body.completed).toBeUndefined()
  })

  it('answers the fallback page for an unknown session with a 400 page', async () => {
    const response = await get(t.hs, '/_matrix/client/v3/auth/m.login.sso/fallback/web?session=nope')
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('does not exist')
  })
})
