import { PASSWORDS, expect, test } from './fixtures'
import { dialog, otherDevices, signInWithPassword, signOutAtTheAccountPage } from './support/person'

// A password account on a server run by MAS (as matrix.org was before its clients moved to
// OAuth 2.0): signed in through MAS's compatibility layer, its devices are still signed out on the
// server's own account page, and every button that does so says it opens the browser (issue 10 §5).
test.use({ homeserverOptions: { mas: true } })

test('a person signs one device out from its row: the dialog says the browser opens, and the list follows the account page', async ({ app, homeserver }) => {
  const { page } = app
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  homeserver.addDevices('alice', 2)
  await page.getByRole('button', { name: 'Refresh' }).first().click()
  await expect(otherDevices(page)).toHaveCount(2)
  await expect(page.getByRole('button', { name: 'Sign out other devices in your browser' })).toBeVisible()

  const deviceId = homeserver.devicesOf('alice').find((d) => d.displayName === 'Seeded device 1')!.deviceId
  await page.getByRole('button', { name: `Sign out Seeded device 1 (${deviceId})` }).click()
  const signOut = dialog(page, 'Sign out Seeded device 1?')
  await expect(signOut).toContainText('on its own page, which Latchkey opens in your browser')
  await expect(signOut.getByLabel(/^Password/)).toHaveCount(0)
  const browserTab = app.nextExternalPage()
  await signOut.getByRole('button', { name: 'Sign out in your browser' }).click()
  const accountPage = await browserTab
  await accountPage.waitForURL(new RegExp(`[?&]action=org\\.matrix\\.device_delete&device_id=${deviceId}`))
  await expect(page.getByRole('dialog')).toHaveCount(0)
  // Nothing is signed out yet: the device stays listed, and the notice says where to finish.
  await expect(otherDevices(page)).toHaveCount(2)
  await expect(page.getByText(/signs devices out on its own page, now open in your browser/)).toBeVisible()

  await signOutAtTheAccountPage(page, accountPage, 'alice', PASSWORDS.alice)
  await expect(otherDevices(page)).toHaveCount(1)
  await expect(otherDevices(page)).toContainText('Seeded device 2')
})
