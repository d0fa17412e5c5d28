import { PASSWORDS, expect, test } from './fixtures'
import { accountButtons, dialog, openTab, sidebar, signInWithPassword } from './support/person'

test('a sign-out the server could not confirm waits as "Signing out", and one click tries again', async ({ app, homeserver }) => {
  const { page } = app
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await openTab(page, 'Account')
  homeserver.setFault('logout', { kind: 'status', status: 503 })
  await page.getByRole('button', { name: 'Sign out…' }).click()
  await dialog(page, /^Sign out of @alice/).getByRole('button', { name: 'Sign out', exact: true }).click()

  const banner = page.getByRole('main').getByRole('status').filter({ hasText: 'Signing out did not finish' })
  await expect(banner).toBeVisible()
  await expect(banner).not.toContainText(/use forget|pending logout|HTTP/)
  await expect(accountButtons(page).first()).toContainText('Signing out')
  // Said once, in the banner: no notice repeats it.
  await expect(page.getByRole('complementary', { name: 'Notices' })).not.toContainText('pending logout')

  homeserver.setFault('logout', null)
  await page.getByRole('button', { name: 'Try again now' }).click()
  await expect(accountButtons(page)).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Add your first account' })).toBeVisible()
})

test('refreshing the devices of a server that went away says so, and the list stays', async ({ app, homeserver }) => {
  const { page } = app
  homeserver.addDevices('alice', 2)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await expect(page.getByRole('list', { name: 'Other devices' }).getByRole('listitem')).toHaveCount(2)
  await homeserver.close()
  const notices = page.getByRole('complementary', { name: 'Notices' })
  await page.getByRole('button', { name: 'Refresh' }).click()
  await expect(notices.getByRole('alert')).toContainText(/could not reach|connection/i)
  await page.getByRole('button', { name: 'Refresh' }).click()
  await expect(page.getByRole('button', { name: 'Refresh' })).toBeEnabled()
  // The same failure twice is one notice; the devices shown stay. (The fixture also checks that
  // no unhandled rejection reached the window's console.)
  await expect(notices.getByRole('alert')).toHaveCount(1)
  await expect(page.getByRole('list', { name: 'Other devices' }).getByRole('listitem')).toHaveCount(2)
})

test('an account whose server went away says so plainly, shows its list "as of" a time and disables what needs the server', async ({ app, homeserver }) => {
  const { page } = app
  homeserver.addDevices('alice', 2)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await expect(page.getByRole('list', { name: 'Other devices' }).getByRole('listitem')).toHaveCount(2)
  await homeserver.close()
  await sidebar(page).getByRole('button', { name: 'Check all accounts' }).click()
  const banner = page.getByRole('status').filter({ hasText: 'Latchkey could not reach' })
  await expect(banner).toBeVisible()
  // The person's sentence first; the connection's own words only behind Details.
  await expect(banner.locator('p').first()).not.toContainText(/ECONN|HTTP|refused/)
  await banner.getByText('Details').click()
  await expect(banner.locator('details')).toContainText(/refused|connect/i)
  await expect(page.getByText(/As of \d{1,2}:\d\d/)).toBeVisible()
  await expect(page.getByRole('button', { name: 'Sign out all other devices' })).toBeDisabled()
  await expect(page.getByRole('button', { name: /^Rename/ }).first()).toBeDisabled()
  await expect(page.getByRole('button', { name: 'Refresh' })).toBeEnabled()
  await page.getByRole('tab', { name: 'Sign in another device' }).click()
  await expect(page.getByRole('button', { name: 'Make a login token' })).toBeDisabled()
})
