/**
 * Token confinement: after a run through every call — sign-ins of each kind, checks with a token
 * refresh, devices, UIA by password and by browser, login tokens, re-login, failures, logouts —
 * no access or refresh token the homeserver issued appears in any IPC envelope (results and
 * errors, through the same binding Electron uses), any event, accounts.json, or anything written
 * to the console. A login token appears only in the generateLoginToken answer that made it.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, expect, it, vi } from 'vitest'
import { bindContract } from '../../shared/bind'
import type { CallName } from '../../shared/channels'
import type { Envelope } from '../../shared/errors'
import { issuedTokens, PASSWORDS, startHarness, type Harness } from '../../../test/service/harness'

let h: Harness
afterEach(async () => {
  vi.restoreAllMocks()
  await h?.close()
})

it('keeps every access and refresh token out of results, errors, events, files and logs', async () => {
  h = await startHarness({ hs: { accessTokenLifetimeMs: 60_000, flows: { sso: true, identityProviders: [{ id: 'oidc', name: 'Example ID' }] } } })
  const logged: string[] = []
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')))
  }
  const internal: unknown[] = []
  const binding = bindContract(h.service, { onInternalError: (error) => internal.push(error) })
  const envelopes: Array<{ name: CallName; envelope: Envelope<unknown> }> = []
  const call = async <T>(name: CallName, args?: unknown): Promise<T> => {
    const envelope = await binding.call(name, args)
    envelopes.push({ name, envelope })
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), { data: envelope.error })
    return envelope.value as T
  }
  const attempt = (name: CallName, args?: unknown) => call(name, args).catch(() => undefined)
  type Acc = { id: string; deviceId: string; userId: string }

  const alice = await call<Acc>('addWithPassword', { server: h.hs.url, identifier: { kind: 'user', user: 'alice' }, password: PASSWORDS.alice })
  const bob = await call<Acc>('addWithLoginToken', { payload: h.hs.mintLoginToken('bob'), server: h.hs.url })
  const sso = await call<{ requestId: string; url: string }>('beginSso', { server: h.hs.url })
  const ssoDone = call<Acc>('completeSso', { requestId: sso.requestId })
  await h.browser.signInWithSso(await h.browser.next(), '@carol:localhost')
  const carol = await ssoDone

  await call('checkAll')
  h.hs.expireAccessTokens()
  await call('checkAll')
  await call('avatar', { accountId: bob.id })
  await call('listDevices', { accountId: alice.id })
  await call('renameDevice', { accountId: alice.id, deviceId: alice.deviceId, displayName: 'Main' })
  h.hs.addDevices('alice', 3)
  h.hs.addDevices('carol', 2)
  const aliceOthers = h.hs.devicesOf('alice').filter((d) => d.deviceId !== alice.deviceId).map((d) => d.deviceId)
  await attempt('signOutDevices', { accountId: alice.id, deviceIds: aliceOthers })
  await attempt('signOutDevices', { accountId: alice.id, deviceIds: aliceOthers, auth: { type: 'password', password: 'wrong' } })
  await call('signOutDevices', { accountId: alice.id, deviceIds: aliceOthers, auth: { type: 'password', password: PASSWORDS.alice } })
  const carolOthers = h.hs.devicesOf('carol').filter((d) => d.deviceId !== carol.deviceId).map((d) => d.deviceId)
  const carolSignOut = call('signOutDevices', { accountId: carol.id, deviceIds: carolOthers, auth: { type: 'sso' } })
  await h.browser.confirmFallback(await h.browser.next())
  await carolSignOut

  await attempt('generateLoginToken', { accountId: alice.id })
  const made = await call<{ token: string; payload: string }>('generateLoginToken', { accountId: alice.id, auth: { type: 'password', password: PASSWORDS.alice } })
  const second = await call<Acc>('addWithLoginToken', { payload: made.payload })
  await attempt('addWithLoginToken', { payload: made.payload })

  h.hs.softLogout('alice', alice.deviceId)
  await call('checkAll')
  await call('reLogin', { accountId: alice.id, password: PASSWORDS.alice })
  h.hs.setFault('*', { kind: 'malformed-json' })
  await attempt('listDevices', { accountId: bob.id })
  await call('logout', { accountId: second.id })
  h.hs.setFault('*', null)
  await call('checkAll')
  await call('logoutAll', { accountId: bob.id })
  await call('forget', { accountId: carol.id })
  await call('logout', { accountId: alice.id })

  const { sessionTokens, loginTokens } = issuedTokens(h.hs)
  expect(sessionTokens.size).toBeGreaterThan(8)
  expect(h.hs.requests.some((r) => r.endpoint === 'refresh' && r.status === 200)).toBe(true)
  expect(internal).toEqual([])
  expect(envelopes.some((e) => !e.envelope.ok)).toBe(true)

  const file = await readFile(path.join(h.dir, 'accounts.json'), 'utf8')
  const places: Array<[string, string]> = [
    ['accounts.json', file],
    ['the console', logged.join('\n')],
    ...h.events.map((e, i): [string, string] => [`event ${i} (${e.event})`, JSON.stringify(e.payload)]),
    ...envelopes.map((e, i): [string, string] => [`envelope ${i} (${e.name})`, JSON.stringify(e.envelope)]),
  ]
  for (const [where, text] of places) {
    for (const token of sessionTokens) expect(text.includes(token), `a session token in ${where}`).toBe(false)
    if (!where.includes('(generateLoginToken)')) {
      for (const token of loginTokens) expect(text.includes(token), `a login token in ${where}`).toBe(false)
    }
  }
  expect(JSON.stringify(envelopes)).toContain(made.token)
})

it('keeps OAuth 2.0 tokens out of results, errors, events, files and logs: sign-in in the browser and by code, renewal, re-login, sign-out', async () => {
  h = await startHarness({ hs: { oauth: { accessTokenTtlSeconds: 1, deviceIntervalSeconds: 1 } } })
  const logged: string[] = []
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')))
  }
  const binding = bindContract(h.service, { onInternalError: () => undefined })
  const envelopes: Array<{ name: CallName; envelope: Envelope<unknown> }> = []
  const call = async <T>(name: CallName, args?: unknown): Promise<T> => {
    const envelope = await binding.call(name, args)
    envelopes.push({ name, envelope })
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), { data: envelope.error })
    return envelope.value as T
  }
  type Acc = { id: string; deviceId: string; userId: string }
  const { browse } = await import('../../../test/sso/browser')

  const begun = await call<{ requestId: string; url: string }>('beginOAuth', { server: h.hs.url })
  const aliceDone = call<Acc>('completeSso', { requestId: begun.requestId })
  await browse(begun.url, { fields: { username: 'alice', password: PASSWORDS.alice } })
  const alice = await aliceDone
  const code = await call<{ requestId: string; verificationUriComplete: string }>('beginDeviceCode', { server: h.hs.url })
  const bobDone = call<Acc>('completeSso', { requestId: code.requestId })
  await browse(code.verificationUriComplete, { forms: 3, fields: { username: 'bob', password: PASSWORDS.bob } })
  const bob = await bobDone

  await new Promise((resolve) => setTimeout(resolve, 1100))
  await call('listDevices', { accountId: alice.id })
  await call('checkAll')
  await h.hs.oauth!.endDevice('alice', alice.deviceId)
  await new Promise((resolve) => setTimeout(resolve, 1100))
  await call('checkAll')
  const again = await call<{ requestId: string; url: string }>('beginOAuth', { server: h.hs.url, accountId: alice.id })
  const againDone = call<Acc>('completeSso', { requestId: again.requestId })
  await browse(again.url, { fields: { username: 'alice', password: PASSWORDS.alice } })
  await againDone
  await call('logoutAll', { accountId: bob.id }).catch(() => undefined)
  await call('logout', { accountId: bob.id })
  await call('logout', { accountId: alice.id })

  const { sessionTokens } = issuedTokens(h.hs)
  expect(sessionTokens.size).toBeGreaterThan(5)
  const file = await readFile(path.join(h.dir, 'accounts.json'), 'utf8')
  const places: Array<[string, string]> = [
    ['accounts.json', file],
    ['the console', logged.join('\n')],
    ...h.events.map((e, i): [string, string] => [`event ${i} (${e.event})`, JSON.stringify(e.payload)]),
    ...envelopes.map((e, i): [string, string] => [`envelope ${i} (${e.name})`, JSON.stringify(e.envelope)]),
  ]
  for (const [where, text] of places) {
    for (const token of sessionTokens) expect(text.includes(token), `an OAuth token in ${where}`).toBe(false)
  }
}, 30_000)
