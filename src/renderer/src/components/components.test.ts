// @vitest-environment happy-dom
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { AccountsSnapshot, Device } from '../../../shared/contract'
import { ContractError } from '../../../shared/errors'
import { fakeBridge, makeAccount, makeDevices, makeSnapshot, type FakeBridge } from '../fake-bridge.test-kit'
import { cleanWindowBetweenTests, mountWindow } from '../mount-window.test-kit'

let fake: FakeBridge

const alice = makeAccount({ userId: '@alice:example.org', displayName: 'Alice', order: 0 })
const bob = makeAccount({ userId: '@bob:example.org', displayName: 'Bob', order: 1, status: 'soft-logged-out' })

async function mountApp(devices: Device[] = makeDevices(5), snapshot: AccountsSnapshot = makeSnapshot([alice, bob], alice.id)): Promise<VueWrapper> {
  fake = fakeBridge({
    listAccounts: () => snapshot,
    setActive: ({ accountId }) => ({ ...snapshot, activeId: accountId }),
    listDevices: () => devices,
    renameDevice: ({ deviceId, displayName }) => ({ ...devices.find((d) => d.deviceId === deviceId)!, displayName }),
  })
  return mountWindow(fake)
}

cleanWindowBetweenTests()

describe('the account switcher', () => {
  it('shows each account with its name, user id, homeserver and status', async () => {
    const app = await mountApp()
    const rows = app.findAll('nav .account')
    expect(rows.map((r) => r.find('.name').text())).toEqual(['Alice', 'Bob'])
    expect(rows[0]!.text()).toContain('@alice:example.org')
    expect(rows[0]!.text()).toContain('matrix.example.org')
    expect(rows[1]!.text()).toContain('Needs sign-in')
    expect(rows[0]!.attributes('aria-current')).toBe('true')
  })

  it('shows the homeserver beside the user id of an account whose own server does not vouch for it, there and in its view', async () => {
    const carol = makeAccount({ userId: '@carol:example.org', displayName: 'Carol', order: 2, servedBy: 'chat.example.net' })
    const app = await mountApp(makeDevices(1), makeSnapshot([carol, alice], carol.id))
    const uids = app.findAll('nav .account .uid').map((u) => u.text())
    expect(uids).toEqual(['@alice:example.org', '@carol:example.org (served by chat.example.net)'])
    expect(app.find('.view .header').text()).toContain('@carol:example.org (served by chat.example.net)')
  })

  it('switches account with Ctrl+2', async () => {
    const app = await mountApp()
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '2', ctrlKey: true }))
    await flushPromises()
    expect(fake.callsOf('setActive')).toEqual([{ accountId: bob.id }])
    expect(app.find('main h2').text()).toBe('Bob')
  })

  it('does not switch account with Ctrl+2 while the person types in a field', async () => {
    const app = await mountApp()
    const search = app.find('#device-search')
    await search.setValue('phone')
    search.element.dispatchEvent(new KeyboardEvent('keydown', { key: '2', ctrlKey: true, bubbles: true }))
    await flushPromises()
    expect(fake.callsOf('setActive')).toEqual([])
    expect(app.find('main h2').text()).toBe('Alice')
  })

  it('does not switch account with Ctrl+2 while a dialog is open', async () => {
    const app = await mountApp()
    await app.findAll('nav button').find((b) => b.text().includes('Add account'))!.trigger('click')
    expect(app.find('dialog[open]').exists()).toBe(true)
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '2', ctrlKey: true }))
    await flushPromises()
    expect(fake.callsOf('setActive')).toEqual([])
  })

  it('offers one-click sign-in again for an account whose session ended', async () => {
    const app = await mountApp()
    const relogin = app.findAll('nav button').filter((b) => b.text().startsWith('Sign in again'))
    expect(relogin).toHaveLength(1)
    expect(relogin[0]!.text()).toContain('@bob:example.org')
  })

  it('moves the focused account down with Alt+ArrowDown', async () => {
    const app = await mountApp()
    fake.handlers.reorder = ({ accountIds }) =>
      makeSnapshot(accountIds.map((id, order) => ({ ...[alice, bob].find((a) => a.id === id)!, order })), alice.id)
    await app.find(`[data-account="${alice.id}"]`).trigger('keydown', { key: 'ArrowDown', altKey: true })
    await flushPromises()
    expect(fake.callsOf('reorder')).toEqual([{ accountIds: [bob.id, alice.id] }])
    expect(app.findAll('nav .account .name').map((n) => n.text())).toEqual(['Bob', 'Alice'])
  })
})

describe('the devices view', () => {
  it('pins this device on top and lists the others by last activity', async () => {
    const app = await mountApp()
    expect(app.find('.pinned').text()).toContain('This device')
    const ids = app.findAll('ul[aria-label="Other devices"] .mono').map((n) => n.text())
    const expected = makeDevices(5)
      .filter((d) => !d.current)
      .sort((a, b) => b.lastSeenTs! - a.lastSeenTs!)
      .map((d) => d.deviceId)
    expect(ids).toEqual(expected)
  })

  it('renders only a window of rows out of 10,000 devices, and filters them', async () => {
    const app = await mountApp(makeDevices(10_000))
    const rows = app.findAll('ul[aria-label="Other devices"] > li')
    expect(rows.length).toBeGreaterThan(5)
    expect(rows.length).toBeLessThan(60)
    expect(rows[0]!.attributes('aria-setsize')).toBe('9999')
    await app.find('#device-search').setValue('Phone 4242')
    expect(app.findAll('ul[aria-label="Other devices"] > li').map((r) => r.find('.name').text())).toEqual(['Phone 4242'])
  })

  it('starts another account’s list unfiltered', async () => {
    const app = await mountApp()
    await app.find('#device-search').setValue('Phone 3')
    await app.find('#device-filter').setValue('inactive')
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '2', ctrlKey: true }))
    await flushPromises()
    expect(app.find('main h2').text()).toBe('Bob')
    expect((app.find('#device-search').element as HTMLInputElement).value).toBe('')
    expect((app.find('#device-filter').element as HTMLSelectElement).value).toBe('all')
  })

  it('marks devices not seen for 90 days', async () => {
    const app = await mountApp()
    const old = app.findAll('ul[aria-label="Other devices"] > li').filter((r) => r.text().includes('Inactive 90+ days'))
    const now = Date.now()
    const expected = makeDevices(5).filter((d) => !d.current && now - d.lastSeenTs! >= 90 * 24 * 3600_000)
    expect(old).toHaveLength(expected.length)
    expect(expected.length).toBeGreaterThan(0)
  })

  it('renames a device in place', async () => {
    const app = await mountApp()
    const row = () => app.findAll('ul[aria-label="Other devices"] > li')[0]!
    await row().find('button[aria-label^="Rename"]').trigger('click')
    await row().find('input.input').setValue('Work laptop')
    await row().find('form').trigger('submit')
    await flushPromises()
    expect(fake.callsOf('renameDevice')[0]).toMatchObject({ accountId: alice.id, displayName: 'Work laptop' })
    expect(app.text()).toContain('Work laptop')
  })

  it('says how many devices a batch sign-out covers before it starts', async () => {
    const app = await mountApp()
    const boxes = app.findAll('ul[aria-label="Other devices"] input[type="checkbox"]')
    await boxes[0]!.setValue(true)
    await boxes[1]!.setValue(true)
    const button = app.findAll('button').find((b) => b.text() === 'Sign out 2 devices')!
    await button.trigger('click')
    await flushPromises()
    const dialog = app.find('dialog')
    expect(dialog.find('h2').text()).toBe('Sign out 2 devices?')
    expect(dialog.text()).toContain('stays signed in')
  })
})

describe('what the window says about an account', () => {
  it('offers to retry a sign-out the server did not confirm, or to forget the account, in its own words', async () => {
    const pending = { ...alice, status: 'pending-logout' as const, statusMessage: 'HTTP 503. Kept as pending logout (or use forget).' }
    const app = await mountApp(makeDevices(2), makeSnapshot([pending]))
    const banner = app.find('main .banner')
    expect(banner.text()).toContain('Signing out did not finish')
    expect(banner.text()).not.toContain('use forget')
    expect(banner.findAll('button').map((b) => b.text())).toEqual(['Try again now', 'Forget…'])
  })

  it('says plainly that sign-ins last until quitting when no keychain answered, the cause behind Why', async () => {
    const notice = 'No system keychain answered (Cannot autolaunch D-Bus without X11 $DISPLAY): Latchkey keeps new sessions in memory until you quit.'
    const app = await mountApp(makeDevices(2), { ...makeSnapshot([alice]), storage: 'memory', storageNotice: notice })
    const note = app.find('nav [role="note"]')
    expect(note.find('strong').text()).toBe('Sign-ins last until you quit')
    expect(note.find('details').text()).toContain('D-Bus')
    expect(note.find('p:not(details p)').text()).not.toContain('D-Bus')
  })

  it('does not promise the keychain on the welcome screen when there is none', async () => {
    const app = await mountApp([], { accounts: [], activeId: null, storage: 'memory', storageNotice: 'No system keychain answered.' })
    expect(app.find('main').text()).toContain('in memory until you quit')
    expect(app.find('main').text()).not.toContain('in the system keychain')
  })
})

describe('dialogs', () => {
  it('give focus back to the button that opened them when they close', async () => {
    const app = await mountApp()
    const add = app.findAll('nav button').find((b) => b.text().includes('Add account'))!
    ;(add.element as HTMLButtonElement).focus()
    await add.trigger('click')
    await flushPromises()
    ;(app.find('#server-input').element as HTMLInputElement).focus()
    expect(document.activeElement).toBe(app.find('#server-input').element)
    await app.find('dialog button[aria-label="Close"]').trigger('click')
    await flushPromises()
    expect(app.find('dialog').exists()).toBe(false)
    expect(document.activeElement).toBe(add.element)
  })
})

describe('adding an account', () => {
  it('says once that a server offers no way of signing in, and what to do', async () => {
    const app = await openDialog()
    fake.handlers.discover = ({ server }) => ({
      input: server,
      serverName: 'example.org',
      baseUrl: 'https://matrix.example.org',
      versions: ['v1.11'],
      password: false,
      loginToken: false,
      sso: false,
      identityProviders: [],
      getLoginToken: false,
      oauthAwarePreferred: false,
      oauth: { offered: false },
      warnings: ['Example.org offers no sign-in method Latchkey supports.'],
    })
    await app.find('#server-input').setValue('example.org')
    await app.find('dialog form').trigger('submit')
    await flushPromises()
    const text = app.find('dialog').text()
    expect(text.match(/no (sign-in method|way of signing in)/g)).toHaveLength(1)
    expect(app.find('dialog [role="alert"]').text()).toContain('Check the address')
  })

  async function openDialog(): Promise<VueWrapper> {
    const app = await mountApp()
    await app.findAll('nav button').find((b) => b.text().includes('Add account'))!.trigger('click')
    return app
  }

  it('puts an unreachable server error next to the server field', async () => {
    const app = await openDialog()
    fake.handlers.discover = () => {
      throw new ContractError({ code: 'unreachable', message: 'nowhere.invalid could not be reached.' })
    }
    await app.find('#server-input').setValue('nowhere.invalid')
    await app.find('dialog form').trigger('submit')
    await flushPromises()
    expect(app.find('#server-error').text()).toBe('nowhere.invalid could not be reached.')
    expect(app.find('#server-input').attributes('aria-invalid')).toBe('true')
  })

  it('shows what the server offers, then puts a refused password next to the password field', async () => {
    const app = await openDialog()
    fake.handlers.discover = ({ server }) => ({
      input: server,
      serverName: 'example.org',
      baseUrl: 'https://matrix.example.org',
      versions: ['v1.11'],
      password: true,
      loginToken: true,
      sso: true,
      identityProviders: [{ id: 'oidc-github', name: 'GitHub' }],
      getLoginToken: true,
      oauthAwarePreferred: false,
      oauth: { offered: false },
      warnings: [],
    })
    fake.handlers.addWithPassword = () => {
      throw new ContractError({ code: 'wrong-credentials', message: 'example.org refused the password.' })
    }
    await app.find('#server-input').setValue('example.org')
    await app.find('dialog form').trigger('submit')
    await flushPromises()
    expect(app.find('dialog').text()).toContain('Continue with GitHub')
    expect(app.find('#password-host').text()).toBe('Sent to matrix.example.org.')
    expect(app.find('#password-input').attributes('aria-describedby')).toBe('password-host')
    await app.find('#username-input').setValue('alice')
    await app.find('#password-input').setValue('nope')
    await (app.find('#password-input').element as HTMLInputElement).form!.dispatchEvent(new Event('submit'))
    await flushPromises()
    expect(app.find('#password-error').text()).toBe('example.org refused the password.')
    expect(fake.callsOf('addWithPassword')[0]).toMatchObject({ identifier: { kind: 'user', user: 'alice' } })
  })
})

describe('adding an account on a server with its own sign-in page (OAuth 2.0)', () => {
  function oauthServer(preferred: boolean) {
    return ({ server }: { server: string }) => ({
      input: server,
      serverName: 'matrix.org',
      baseUrl: 'https://matrix-client.matrix.org',
      versions: ['v1.15'],
      password: true,
      loginToken: false,
      sso: true,
      identityProviders: [],
      getLoginToken: false,
      oauthAwarePreferred: preferred,
      oauth: { offered: true, accountManagementUrl: 'https://account.matrix.org/account/' },
      warnings: [],
    })
  }

  async function discoverIn(preferred: boolean): Promise<VueWrapper> {
    const app = await mountApp()
    await app.findAll('nav button').find((b) => b.text().includes('Add account'))!.trigger('click')
    fake.handlers.discover = oauthServer(preferred)
    await app.find('#server-input').setValue('matrix.org')
    await app.find('dialog form').trigger('submit')
    await flushPromises()
    return app
  }

  it('offers "Continue with matrix.org" first, saying it opens the browser, with password and SSO as other choices', async () => {
    const app = await discoverIn(false)
    const buttons = app.findAll('dialog button').map((b) => b.text())
    const first = buttons.findIndex((t) => t.startsWith('Continue with'))
    expect(buttons[first]).toBe('Continue with matrix.org')
    expect(first).toBeLessThan(buttons.indexOf('Sign in'))
    expect(app.find('dialog').text()).toContain('Opens your browser')
    expect(app.find('#password-input').exists()).toBe(true)
    expect(buttons).toContain('Continue with single sign-on')
  })

  it('offers only the server’s own page where the server prefers it (oauth_aware_preferred)', async () => {
    const app = await discoverIn(true)
    expect(app.find('#password-input').exists()).toBe(false)
    expect(app.findAll('dialog button').map((b) => b.text())).not.toContain('Continue with single sign-on')
    await app.findAll('dialog button').find((b) => b.text() === 'Continue with matrix.org')!.trigger('click')
    await flushPromises()
    expect(fake.callsOf('beginOAuth')[0]).toMatchObject({ server: 'https://matrix-client.matrix.org' })
  })
})
