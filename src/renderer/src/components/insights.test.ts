// @vitest-environment happy-dom
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { AccountReview, Device } from '../../../shared/contract'
import { ContractError } from '../../../shared/errors'
import { describeDevice, formatFingerprint, summarise } from '../lib/insights'
import { fakeBridge, makeAccount, makeDevice, makeSnapshot, type FakeBridge, type Handlers } from '../fake-bridge.test-kit'
import { cleanWindowBetweenTests, mountWindow } from '../mount-window.test-kit'

// Issue 11 in the window: the summary and its filters, the badges on each row, the details view,
// one dialog for signing one device out, the sidebar's badge and the overview.

let fake: FakeBridge
const DAY = 24 * 3600_000
const now = Date.now()

const alice = makeAccount({ userId: '@alice:example.org', displayName: 'Alice', order: 0 })
const bob = makeAccount({ userId: '@bob:example.org', displayName: 'Bob', order: 1, newDevices: 2 })

const DEVICES: Device[] = [
  makeDevice({ deviceId: 'LATCHKEY', current: true, displayName: 'Latchkey', verification: { state: 'no-encryption' } }),
  makeDevice({ deviceId: 'PHONE', displayName: 'Pixel 8', type: 'mobile', client: { name: 'Element X Android', version: '25.04.0' }, os: 'Android', sources: { type: 'client-information', client: 'client-information', os: 'client-information' }, verification: { state: 'verified', fingerprint: 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg' }, lastSeenTs: now - 60_000 }),
  makeDevice({ deviceId: 'LAPTOP', displayName: 'Element Desktop: macOS', type: 'desktop', client: { name: 'Element' }, os: 'macOS', sources: { client: 'display-name' }, verification: { state: 'unverified', reason: 'No verified session has vouched for this one.' }, lastSeenTs: now - 120 * DAY }),
  makeDevice({ deviceId: 'STRANGER', displayName: 'Firefox on Windows', type: 'web', client: { name: 'Firefox', version: '133' }, os: 'Windows 10', verification: { state: 'unknown', reason: 'The signature on this session’s keys does not match what was signed: it is forged or damaged.' }, new: true, lastSeenTs: now - 5 * 60_000 }),
]

async function mountApp(handlers: Handlers = {}, first = alice): Promise<VueWrapper> {
  const snapshot = makeSnapshot([first, bob], first.id)
  fake = fakeBridge({
    listAccounts: () => snapshot,
    setActive: ({ accountId }) => ({ ...snapshot, activeId: accountId }),
    listDevices: () => DEVICES,
    markDevicesSeen: () => undefined,
    ...handlers,
  })
  return mountWindow(fake)
}

cleanWindowBetweenTests()

describe('what the devices view says', () => {
  it('counts what needs attention, leaving out Latchkey’s own session', () => {
    expect(summarise(DEVICES, now)).toEqual({ unverified: 1, inactive: 1, new: 1, unknown: 1 })
    // The system is not said twice when the app's name already says it.
    expect(describeDevice(DEVICES[1]!)).toBe('Element X Android 25.04.0')
    expect(describeDevice(DEVICES[3]!)).toBe('Firefox 133 on Windows 10')
    expect(formatFingerprint('AbCdEfGh12')).toBe('AbCd EfGh 12')
  })

  it('shows the summary above the list, and each button filters it', async () => {
    const app = await mountApp()
    const summary = app.find('[aria-label="What needs attention"]')
    expect(summary.text()).toMatch(/1 unverified\s*·\s*1 inactive for 90\+ days\s*·\s*1 new since you last looked\s*·\s*1 could not be checked/)
    await app.find('[data-summary="unverified"]').trigger('click')
    expect(app.findAll('.list .device .name').map((n) => n.text())).toEqual(['Element Desktop: macOS'])
    await app.find('[data-summary="unverified"]').trigger('click')
    expect(app.findAll('.list .device .name')).toHaveLength(3)
  })

  it('gives each row its kind, app and verification', async () => {
    const app = await mountApp()
    const stranger = app.findAll('.list .device').find((r) => r.text().includes('STRANGER'))!
    expect(stranger.find('[data-type]').attributes('data-type')).toBe('web')
    expect(stranger.text()).toContain('Firefox 133 on Windows 10')
    expect(stranger.find('[data-verification]').text()).toBe('Could not check')
    expect(stranger.text()).toContain('New')
  })

  it('opens the details view with each fact’s source, and looking clears New', async () => {
    const app = await mountApp()
    await app.find('[aria-label="Details of Pixel 8 (PHONE)"]').trigger('click')
    const dialog = app.find('dialog .device-details')
    expect(dialog.text()).toContain('Element X Android 25.04.0')
    expect(dialog.text()).toContain('from what the app published about itself')
    expect(dialog.text()).toMatch(/verification identity that\s+example\.org publishes for @alice:example\.org/)
    expect(dialog.text()).toContain('AbCd EfGh')
    await app.find('dialog [aria-label="Close"]').trigger('click')

    await app.find('[aria-label="Details of Firefox on Windows (STRANGER)"]').trigger('click')
    await flushPromises()
    expect(fake.callsOf('markDevicesSeen')).toEqual([{ accountId: alice.id, deviceIds: ['STRANGER'] }])
  })
})

describe('signing one device out', () => {
  it('turns the same dialog into the password step when the server asks, and signs out with it', async () => {
    let calls = 0
    const app = await mountApp({
      signOutDevices: ({ auth }) => {
        calls++
        if (!auth) throw new ContractError({ code: 'auth-required', message: 'Confirm it is you.', authStages: ['m.login.password'] })
        return { signedOut: ['LAPTOP'] }
      },
    })
    await app.find('[aria-label="Sign out Element Desktop: macOS (LAPTOP)"]').trigger('click')
    expect(app.findAll('dialog')).toHaveLength(1)
    expect(app.find('#sign-out-password').exists()).toBe(false)
    await app.find('dialog form').trigger('submit')
    await flushPromises()
    // Still one dialog, now with the password.
    expect(app.findAll('dialog')).toHaveLength(1)
    expect(app.find('dialog').text()).toContain('asks you to confirm it is you')
    await app.find('#sign-out-password').setValue('hunter2')
    await app.find('dialog form').trigger('submit')
    await flushPromises()
    expect(calls).toBe(2)
    expect(fake.callsOf('signOutDevices').at(-1)).toEqual({ accountId: alice.id, deviceIds: ['LAPTOP'], auth: { type: 'password', password: 'hunter2' } })
    expect(app.findAll('dialog')).toHaveLength(0)
    expect(app.text()).not.toContain('Element Desktop: macOS')
  })

  it('asks for the password at once when the server already said so for this account', async () => {
    const app = await mountApp({
      signOutDevices: ({ auth }) => {
        if (!auth) throw new ContractError({ code: 'auth-required', message: 'Confirm it is you.', authStages: ['m.login.password'] })
        return { signedOut: ['LAPTOP'] }
      },
    })
    await app.find('[aria-label="Sign out Element Desktop: macOS (LAPTOP)"]').trigger('click')
    await app.find('dialog form').trigger('submit')
    await flushPromises()
    await app.find('dialog .btn:not(.btn-danger-solid)').trigger('click')
    await flushPromises()
    await app.find('[aria-label="Sign out Firefox on Windows (STRANGER)"]').trigger('click')
    expect(app.find('#sign-out-password').exists()).toBe(true)
  })
})

describe('an account whose server signs devices out on its own page (OAuth 2.0, or MAS’s compatibility layer)', () => {
  // A password account on a server run by MAS: the same as an OAuth account for signing out.
  const onMas = { ...alice, signOutInBrowser: true as const }
  const opened = 'https://account.example.org/account/?action=org.matrix.device_delete&device_id=LAPTOP'

  it('says on the row’s dialog that the browser opens, and leaves the device listed until the person comes back', async () => {
    const app = await mountApp({ signOutDevices: () => ({ signedOut: [], openedInBrowser: opened }) }, onMas)
    await app.find('[aria-label="Sign out Element Desktop: macOS (LAPTOP)"]').trigger('click')
    const dialog = app.find('dialog')
    expect(dialog.text()).toMatch(/on its own\s+page, which Latchkey opens in your browser/)
    expect(dialog.find('.btn-danger-solid').text()).toBe('Sign out in your browser')
    expect(app.find('#sign-out-password').exists()).toBe(false)
    await dialog.find('form').trigger('submit')
    await flushPromises()
    expect(fake.callsOf('signOutDevices')).toEqual([{ accountId: alice.id, deviceIds: ['LAPTOP'] }])
    expect(app.findAll('dialog')).toHaveLength(0)
    expect(app.find('.list').text()).toContain('Element Desktop: macOS')
    const notices = app.findAll('.notices .notice').map((n) => n.text())
    expect(notices.some((n) => /signs devices out on its own page, now open in your browser/.test(n))).toBe(true)
    expect(notices.some((n) => /Signed out LAPTOP/.test(n))).toBe(false)
  })

  it('says on the list’s buttons that they open the browser, and asks nothing before opening it', async () => {
    const app = await mountApp({ signOutDevices: () => ({ signedOut: [], openedInBrowser: opened }) }, onMas)
    expect(app.text()).toContain('Sign out other devices in your browser')
    await app.find('[aria-label^="Select Element Desktop: macOS"]').setValue(true)
    const button = app.findAll('button').find((b) => b.text() === 'Sign out 1 device in your browser')!
    await button.trigger('click')
    await flushPromises()
    expect(app.findAll('dialog')).toHaveLength(0)
    expect(fake.callsOf('signOutDevices')).toEqual([{ accountId: alice.id, deviceIds: ['LAPTOP'] }])
  })
})

describe('a changed verification identity', () => {
  it('is warned about above the devices until the person says they reset it themselves, and the devices are read again then', async () => {
    const changed = { ...alice, identityChangedAt: '2026-11-20T10:00:00.000Z' }
    const app = await mountApp({ acknowledgeIdentity: () => undefined }, changed)
    const warning = app.find('.summary .identity')
    expect(warning.text()).toMatch(/verification identity changed/)
    expect(warning.text()).toMatch(/Latchkey calls none verified until you\s+confirm/)
    expect(app.findAll('nav .account')[0]!.find('[data-attention]').classes()).toContain('alarm')
    const readsBefore = fake.callsOf('listDevices').length
    await warning.find('button').trigger('click')
    await flushPromises()
    expect(fake.callsOf('acknowledgeIdentity')).toEqual([{ accountId: alice.id }])
    expect(fake.callsOf('listDevices').slice(readsBefore)).toEqual([{ accountId: alice.id }])
  })
})

describe('across accounts', () => {
  it('badges an account with new sessions in the sidebar', async () => {
    const app = await mountApp()
    const rows = app.findAll('nav .account')
    expect(rows[1]!.find('[data-attention]').attributes('aria-label')).toBe('Needs attention: 2 new sessions')
  })

  it('shows every account’s recommendations in the overview', async () => {
    const reviews: AccountReview[] = [
      { accountId: alice.id, userId: alice.userId, unverified: ['LAPTOP'], inactive: ['LAPTOP'], new: ['STRANGER'], unknown: ['STRANGER'], devices: DEVICES },
      { accountId: bob.id, userId: bob.userId, unverified: [], inactive: [], new: [], unknown: [], devices: [], identityChangedAt: '2026-11-01T10:00:00.000Z' },
    ]
    const app = await mountApp({ review: () => ({ accounts: reviews }) })
    await app.find('[data-overview]').trigger('click')
    await flushPromises()
    expect(app.find('[data-totals]').text()).toMatch(/1 unverified session · 1 session inactive for 90\+ days · 1 new session/)
    expect(app.find('[data-review="@bob:example.org"]').text()).toMatch(/verification identity changed/)
    expect(app.find('[data-review="@alice:example.org"]').text()).toContain('Firefox on Windows')
  })
})
