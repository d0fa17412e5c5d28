import { newCrossSigningIdentity, newDeviceKeys, verifiedBy } from '../test/homeserver/cross-signing'
import type { TestHomeserver } from '../test/homeserver/index'
import { PASSWORDS, expect, test } from './fixtures'
import { dialog, otherDevices, signInWithPassword } from './support/person'

// Issue 11's stories: what each session is, whether it is verified, what is new — in the window.

const DAY = 24 * 3600_000

/** Alice's realistic sessions: a verified phone, an unverified laptop unused for months, a bot. */
function seedAlice(hs: TestHomeserver): void {
  const userId = `@alice:${hs.serverName}`
  const identity = newCrossSigningIdentity(userId)
  hs.setCrossSigningKeys('alice', { master: identity.masterJson, selfSigning: identity.selfSigningJson, userSigning: identity.userSigningJson })
  const now = Date.now()
  hs.addDevice('alice', { deviceId: 'PIXEL', displayName: 'Pixel 8', lastSeenTs: now - 3 * 60_000, lastSeenIp: '192.0.2.10', userAgent: 'Element X Android/25.04.0 (Google Pixel 8; Android 14; AP2A; Sdk 1.0)' })
  hs.addDevice('alice', { deviceId: 'MACBOOK', displayName: 'Element Desktop: macOS', lastSeenTs: now - 140 * DAY, lastSeenIp: '198.51.100.7' })
  hs.addDevice('alice', { deviceId: 'REMINDERS', displayName: 'Reminder bot', lastSeenTs: now - DAY, userAgent: 'mautrix-go/v0.20.0' })
  hs.setDeviceKeys('alice', 'PIXEL', verifiedBy(identity, newDeviceKeys(userId, 'PIXEL').json))
  hs.setDeviceKeys('alice', 'MACBOOK', newDeviceKeys(userId, 'MACBOOK').json)
  hs.setAccountData('alice', 'io.element.matrix_client_information.PIXEL', { name: 'Element X Android', version: '25.04.0' })
}

test('a person sees what each session is and filters to the ones that need a look', async ({ app, homeserver }) => {
  const { page } = app
  seedAlice(homeserver)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await expect(otherDevices(page)).toHaveCount(3)

  const summary = page.getByRole('group', { name: 'What needs attention' })
  await expect(summary).toContainText('1 unverified')
  await expect(summary).toContainText('1 inactive for 90+ days')
  const pixel = otherDevices(page).filter({ hasText: 'PIXEL' })
  await expect(pixel).toContainText('Element X Android 25.04.0')
  await expect(pixel).toContainText('Verified')

  await summary.getByRole('button', { name: '1 unverified' }).click()
  await expect(otherDevices(page)).toHaveCount(1)
  await expect(otherDevices(page)).toContainText('Element Desktop: macOS')
  await summary.getByRole('button', { name: '1 unverified' }).click()
  await expect(otherDevices(page)).toHaveCount(3)
})

test('a person reads a verified session’s details, with where each fact came from', async ({ app, homeserver }) => {
  const { page } = app
  seedAlice(homeserver)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await page.getByRole('button', { name: 'Details of Pixel 8 (PIXEL)' }).click()
  const details = dialog(page, 'Pixel 8')
  await expect(details).toContainText('Phone or tablet')
  await expect(details).toContainText('from what the app published about itself')
  await expect(details).toContainText('Latchkey checked the signatures itself')
  await details.getByText('Key fingerprint').click()
  await expect(details.locator('.fingerprint')).toHaveText(/^(\S{4} ){10}\S{3}$/)
  await details.getByRole('button', { name: 'Close' }).click()
  await expect(page.getByRole('dialog')).toHaveCount(0)
})

test('a person signs one session out in one dialog that asks for the password in place', async ({ app, homeserver }) => {
  const { page } = app
  seedAlice(homeserver)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await page.getByRole('button', { name: 'Sign out Element Desktop: macOS (MACBOOK)' }).click()
  const signOut = dialog(page, 'Sign out Element Desktop: macOS?')
  await signOut.getByRole('button', { name: 'Sign out' }).click()
  await expect(signOut.getByLabel(/^Password for/)).toBeVisible()
  await expect(page.getByRole('dialog')).toHaveCount(1)
  await signOut.getByLabel(/^Password for/).fill(PASSWORDS.alice)
  await signOut.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await expect(otherDevices(page)).toHaveCount(2)
  expect(homeserver.devicesOf('alice').map((d) => d.deviceId)).not.toContain('MACBOOK')
})

test('a new sign-in while the app is open raises a notification that opens it, and is New until looked at', async ({ app, homeserver }) => {
  const { page } = app
  seedAlice(homeserver)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await expect(otherDevices(page)).toHaveCount(3)

  homeserver.addDevice('alice', { deviceId: 'STRANGER', displayName: 'Firefox on Windows', lastSeenTs: Date.now() - 2 * 60_000, userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0' })
  await page.getByRole('button', { name: /Check all accounts/ }).click()
  await expect.poll(() => app.notifications.length).toBe(1)
  expect(app.notifications[0]).toMatchObject({ title: `New sign-in to @alice:${homeserver.serverName}`, body: 'Firefox on Windows 10, 2 minutes ago' })
  await expect(otherDevices(page).filter({ hasText: 'STRANGER' })).toContainText('New')

  await app.clickNotification(app.notifications[0]!)
  const details = dialog(page, 'Firefox on Windows')
  await expect(details).toContainText('Web browser')
  await details.getByRole('button', { name: 'Close' }).click()
  await expect(otherDevices(page).filter({ hasText: 'STRANGER' }).locator('.new')).toHaveCount(0)
})

test('the overview shows three accounts’ recommendations and signs out their inactive sessions at once', async ({ app, homeserver }) => {
  const { page } = app
  seedAlice(homeserver)
  homeserver.addDevice('bob', { deviceId: 'OLDTAB', displayName: 'Firefox on Linux', lastSeenTs: Date.now() - 200 * DAY })
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await signInWithPassword(page, homeserver.url, 'bob', PASSWORDS.bob)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)

  await page.getByRole('button', { name: /Security overview/ }).click()
  await expect(page.locator('[data-review]')).toHaveCount(3)
  await expect(page.locator('[data-totals]')).toContainText('inactive for 90+ days')

  await page.getByRole('button', { name: 'Sign out inactive sessions' }).click()
  const confirm = dialog(page, /^Sign out \d+ inactive sessions?\?$/)
  await confirm.getByRole('button', { name: 'Sign out inactive sessions' }).click()
  // One confirmation per account whose server asks.
  for (const password of [PASSWORDS.alice, PASSWORDS.bob]) {
    const ask = dialog(page, 'Confirm it is you')
    await ask.getByLabel(/^Password for/).fill(password)
    await ask.getByRole('button', { name: 'Confirm' }).click()
  }
  await expect.poll(() => homeserver.devicesOf('bob').map((d) => d.deviceId)).not.toContain('OLDTAB')
  expect(homeserver.devicesOf('alice').map((d) => d.deviceId)).not.toContain('MACBOOK')
})
