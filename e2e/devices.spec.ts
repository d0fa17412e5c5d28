import { PASSWORDS, expect, test } from './fixtures'
import { accountButtons, confirmWithPassword, dialog, openTab, otherDevices, signInWithPassword, signInWithSso, backToLatchkey } from './support/person'

test('a person renames a device in place', async ({ app, homeserver }) => {
  const { page } = app
  homeserver.addDevices('alice', 3)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  const row = otherDevices(page).filter({ hasText: 'Seeded device 1' })
  await row.getByRole('button', { name: /^Rename Seeded device 1/ }).click()
  // Editing replaces the name with a field, so the field is found by its own label.
  const field = page.getByLabel(/^New name for/)
  await expect(field).toBeFocused()
  await field.fill('Work laptop')
  await field.press('Enter')
  await expect(otherDevices(page).filter({ hasText: 'Work laptop' })).toHaveCount(1)
  await expect(otherDevices(page).filter({ hasText: 'Seeded device 1' })).toHaveCount(0)
  expect(homeserver.devicesOf('alice').map((d) => d.displayName)).toContain('Work laptop')
})

test('a person signs out two devices with one password prompt', async ({ app, homeserver }) => {
  const { page } = app
  homeserver.addDevices('alice', 3)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await expect(otherDevices(page)).toHaveCount(3)

  await page.getByRole('checkbox', { name: /^Select Seeded device 1 / }).check()
  await page.getByRole('checkbox', { name: /^Select Seeded device 2 / }).check()
  await page.getByRole('button', { name: 'Sign out 2 devices' }).click()

  const confirm = dialog(page, 'Sign out 2 devices?')
  await expect(confirm).toContainText('Seeded device 1')
  await expect(confirm).toContainText('Seeded device 2')
  await expect(confirm).toContainText('This device (Latchkey) stays signed in')
  homeserver.clearRequests()
  await confirm.getByRole('button', { name: 'Sign out 2 devices' }).click()

  await confirmWithPassword(page, PASSWORDS.alice)
  await expect(otherDevices(page)).toHaveCount(1)
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await expect(otherDevices(page)).toContainText('Seeded device 3')

  const names = homeserver.devicesOf('alice').map((d) => d.displayName)
  expect(names).not.toContain('Seeded device 1')
  expect(names).not.toContain('Seeded device 2')
  // One password for the whole batch: exactly one request carried it.
  const withPassword = homeserver.requests.filter(
    (r) => (r.endpoint === 'deleteDevices' || r.endpoint === 'deleteDevice') && JSON.stringify(r.body ?? {}).includes('m.login.password'),
  )
  expect(withPassword).toHaveLength(1)
})

test('a person signs out everywhere after reading what it ends', async ({ app, homeserver }) => {
  const { page } = app
  homeserver.addDevices('alice', 2)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await expect(otherDevices(page)).toHaveCount(2)

  await openTab(page, 'Account')
  await page.getByRole('button', { name: 'Sign out everywhere…' }).click()
  const confirm = dialog(page, `Sign out of @alice:${homeserver.serverName} everywhere?`)
  await expect(confirm).toContainText('all 3 devices')
  await expect(confirm).toContainText('encryption keys')
  await confirm.getByRole('button', { name: 'Sign out everywhere' }).click()

  await expect(accountButtons(page)).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Add your first account' })).toBeVisible()
  expect(homeserver.devicesOf('alice')).toHaveLength(0)
})

test('a person without a password confirms a sign-out through single sign-on', async ({ app, homeserver }) => {
  const { page } = app
  homeserver.addDevices('carol', 2)
  await signInWithSso(app, homeserver.url, `Carol Danvers (@carol:${homeserver.serverName})`)
  await expect(otherDevices(page)).toHaveCount(2)

  await page.getByRole('checkbox', { name: /^Select Seeded device 1 / }).check()
  await page.getByRole('button', { name: 'Sign out 1 device' }).click()
  await dialog(page, 'Sign out 1 device?').getByRole('button', { name: 'Sign out 1 device' }).click()

  const prompt = dialog(page, 'Confirm it is you')
  await expect(prompt.getByLabel(/^Password for/)).toHaveCount(0)
  const browserTab = app.nextExternalPage()
  await prompt.getByRole('button', { name: 'Continue with single sign-on' }).click()
  const fallback = await browserTab
  await fallback.getByRole('button', { name: 'Continue' }).click()
  await backToLatchkey(page)

  await expect(otherDevices(page)).toHaveCount(1)
  await expect(otherDevices(page)).toContainText('Seeded device 2')
  expect(homeserver.devicesOf('carol').map((d) => d.displayName)).not.toContain('Seeded device 1')
})

test('a progress event that arrives after its sign-out has answered does not bring the progress back (browser driver only: only it can hold an event back)', async ({ app, homeserver, driver }) => {
  test.skip(driver !== 'chromium', 'only the browser driver can hold an event back')
  const { page } = app
  homeserver.addDevices('alice', 3)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await expect(otherDevices(page)).toHaveCount(3)
  // The final "3 of 3" is held back and reaches the window only after the call's answer.
  const arrived = app.deliverLate((event, payload) => event === 'progress' && (payload as { done: number; total: number }).done === 3)
  await page.getByRole('button', { name: 'Sign out all other devices' }).click()
  await dialog(page, 'Sign out 3 devices?').getByRole('button', { name: 'Sign out 3 devices' }).click()
  await confirmWithPassword(page, PASSWORDS.alice)
  await expect(page.getByText('No other device is signed in to this account.')).toBeVisible()
  await arrived
  const late = app.crossings.findLastIndex((c) => c.includes('"operation":"signOutDevices"') && c.includes('"done":3'))
  const answer = app.crossings.findLastIndex((c) => c.includes('"signedOut"'))
  expect(late, 'the last progress event came after the answer').toBeGreaterThan(answer)
  await page.waitForTimeout(200)
  await expect(page.getByRole('status').filter({ hasText: 'signed out' })).toHaveCount(0)
  await expect(page.locator('progress')).toHaveCount(0)
})

test('empty lists say what is empty and offer the way back, without a select-all for nothing', async ({ app, homeserver }) => {
  const { page } = app
  homeserver.addDevices('alice', 1)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  // One other device: a list one row tall, not a full-height card.
  const list = page.getByRole('list', { name: 'Other devices' })
  await expect(otherDevices(page)).toHaveCount(1)
  expect((await list.boundingBox())!.height).toBeLessThan(120)
  await page.getByLabel('Show', { exact: true }).selectOption('inactive')
  const empty = page.getByRole('status').filter({ hasText: 'No device has been inactive for 90 days or more.' })
  await expect(empty).toBeVisible()
  await expect(page.getByText(/Select all/)).toHaveCount(0)
  await expect(page.getByText(/“”/)).toHaveCount(0)
  await empty.getByRole('button', { name: 'Show all devices' }).click()
  await expect(otherDevices(page)).toHaveCount(1)
  await page.getByRole('searchbox', { name: 'Search devices' }).fill('zzz')
  await expect(page.getByText('No device matches “zzz”.')).toBeVisible()
})

test('with no other device there is no search, no select-all and no sign-out button', async ({ app, homeserver }) => {
  const { page } = app
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await expect(page.getByText('No other device is signed in to this account.')).toBeVisible()
  await expect(page.getByRole('searchbox', { name: 'Search devices' })).toHaveCount(0)
  await expect(page.getByText(/Select all/)).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Sign out all other devices' })).toHaveCount(0)
})
