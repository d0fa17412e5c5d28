// @vitest-environment happy-dom
// Issue 9 §5 in the window. A latchkey://login?… link opened from outside: main sends the loginLink
// event, the window opens "Sign in with a login token" with the code filled in, and nothing is
// signed in until the person clicks. A sign-in over plain http:// to another computer: the window
// asks first, in the service's sentence.
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { ContractError } from '../../../shared/errors'
import { fakeBridge, makeAccount, makeSnapshot, type FakeBridge } from '../fake-bridge.test-kit'
import { cleanWindowBetweenTests, mountWindow } from '../mount-window.test-kit'

let fake: FakeBridge

const alice = makeAccount({ userId: '@alice:example.org', displayName: 'Alice', order: 0 })
const LINK = 'latchkey://login?hs=https%3A%2F%2Fmatrix.example.org&token=one-time-code&user=%40alice%3Aexample.org'

const PLAIN = 'The login code would go to chat.example.org:8008 over plain http://, unencrypted, where anyone on the network in between could read it and take over the session.'

async function mountApp(plainHttp = false): Promise<VueWrapper> {
  fake = fakeBridge({
    listAccounts: () => makeSnapshot([alice], alice.id),
    listDevices: () => [],
    addWithLoginToken: ({ allowPlainHttp }) => {
      if (plainHttp && !allowPlainHttp) throw new ContractError({ code: 'plain-http', message: PLAIN })
      return makeAccount({ userId: '@alice:example.org', deviceId: 'NEWDEVICE' })
    },
  })
  return mountWindow(fake)
}

cleanWindowBetweenTests()

describe('a login link opened from outside', () => {
  it('opens the login-token form with the code filled in, and signs in only on the person’s click', async () => {
    const app = await mountApp()
    fake.emit('loginLink', { payload: LINK })
    await flushPromises()

    const dialog = app.find('dialog')
    expect(dialog.exists()).toBe(true)
    expect(dialog.text()).toContain('Sign in with a login token')
    expect((app.find('#token-input').element as HTMLTextAreaElement).value).toBe(LINK)
    expect(fake.callsOf('addWithLoginToken')).toEqual([])

    await app.find('form.token-form').trigger('submit')
    await flushPromises()
    expect(fake.callsOf('addWithLoginToken')).toEqual([{ payload: LINK }])
  })

  it('fills the form that is already open when a second link comes', async () => {
    const app = await mountApp()
    fake.emit('loginLink', { payload: LINK })
    await flushPromises()
    const second = LINK.replace('one-time-code', 'another-code')
    fake.emit('loginLink', { payload: second })
    await flushPromises()
    expect(app.findAll('dialog')).toHaveLength(1)
    expect((app.find('#token-input').element as HTMLTextAreaElement).value).toBe(second)
    expect(fake.callsOf('addWithLoginToken')).toEqual([])
  })
})

describe('a sign-in over plain http:// to another computer', () => {
  async function submitLink(app: VueWrapper): Promise<void> {
    fake.emit('loginLink', { payload: LINK })
    await flushPromises()
    await app.find('form.token-form').trigger('submit')
    await flushPromises()
  }

  const button = (app: VueWrapper, label: string) => app.findAll('button').find((b) => b.text() === label)

  it('asks first, in the service’s sentence, and signs in only after a yes', async () => {
    const app = await mountApp(true)
    await submitLink(app)
    expect(app.text()).toContain(PLAIN)
    expect(fake.callsOf('addWithLoginToken')).toEqual([{ payload: LINK }])
    await button(app, 'Continue without encryption')!.trigger('click')
    await flushPromises()
    expect(fake.callsOf('addWithLoginToken')).toEqual([{ payload: LINK }, { payload: LINK, allowPlainHttp: true }])
  })

  it('sends nothing more when the person declines', async () => {
    const app = await mountApp(true)
    await submitLink(app)
    await button(app, 'Cancel')!.trigger('click')
    await flushPromises()
    expect(fake.callsOf('addWithLoginToken')).toEqual([{ payload: LINK }])
    expect(app.find('[role="alert"]').exists()).toBe(false)
  })
})
