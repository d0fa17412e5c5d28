import { PASSWORDS, expect, test } from './fixtures'
import { atTheServersSignInPage, backToLatchkey, chooseServer, dialog, openAddAccount, otherDevices, sidebar, signInWithOAuth, signOutAtTheAccountPage } from './support/person'

// A server whose sign-in is its own web page (OAuth 2.0, as matrix.org): the test homeserver's
// OAuth mode, with oidc-provider as the page the person signs in at.
test.use({ homeserverOptions: { oauth: true } })

test('a person adds an account with "Continue with" the server, signing in on its own page in the browser', async ({ app, homeserver }) => {
  const { page } = app
  await openAddAccount(page)
  await chooseServer(page, homeserver.url)
  const choices = dialog(page)
  await expect(choices.getByText(`Opens your browser at`)).toBeVisible()
  const browserTab = app.nextExternalPage()
  await choices.getByRole('button', { name: /^Continue with / }).first().click()
  await expect(dialog(page, 'Continue in your browser')).toBeVisible()

  const signInPage = await browserTab
  await expect(signInPage.getByRole('heading', { name: `Sign in to ${homeserver.serverName}` })).toBeVisible()
  await expect(signInPage.getByText('Latchkey asks to use your account')).toBeVisible()
  await atTheServersSignInPage(signInPage, 'alice', PASSWORDS.alice)
  await backToLatchkey(page)

  await expect(page.getByRole('dialog')).toHaveCount(0)
  await expect(sidebar(page).locator('[aria-current="true"]')).toContainText(`@alice:${homeserver.serverName}`)
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Alice Liddell')
})

test('a person signs in again on the server’s page after its session ended there, keeping the device', async ({ app, homeserver }) => {
  const { page } = app
  await signInWithOAuth(app, homeserver.url, 'alice', PASSWORDS.alice)
  const deviceId = homeserver.devicesOf('alice')[0]!.deviceId

  // The session ends at the server (its refresh token is refused from now on).
  await homeserver.oauth!.endDevice('alice', deviceId)
  await sidebar(page).getByRole('button', { name: 'Check all accounts' }).click()
  await expect(sidebar(page)).toContainText('Needs sign-in')

  const browserTab = app.nextExternalPage()
  await sidebar(page).getByRole('button', { name: /^Sign in again/ }).click()
  // The browser is still signed in at the server: it only asks to allow Latchkey again.
  const signInPage = await browserTab
  await atTheServersSignInPage(signInPage, 'alice', PASSWORDS.alice)
  await backToLatchkey(page)

  await expect(sidebar(page)).toContainText('Active')
  await expect(sidebar(page)).not.toContainText('Needs sign-in')
  expect(homeserver.devicesOf('alice').map((d) => d.deviceId)).toContain(deviceId)
})

test('a person signs another device out on the server’s account page, which opens in the browser', async ({ app, homeserver }) => {
  const { page } = app
  await signInWithOAuth(app, homeserver.url, 'alice', PASSWORDS.alice)
  homeserver.addDevices('alice', 2)
  await page.getByRole('button', { name: 'Refresh' }).first().click()
  await expect(otherDevices(page)).toHaveCount(2)

  await page.getByRole('checkbox', { name: /^Select Seeded device 1 / }).check()
  const browserTab = app.nextExternalPage()
  await page.getByRole('button', { name: 'Sign out 1 device in your browser' }).click()
  const accountPage = await browserTab
  await accountPage.waitForURL(/[?&]action=org\.matrix\.device_delete&device_id=/)
  await signOutAtTheAccountPage(page, accountPage, 'alice', PASSWORDS.alice)
  await expect(otherDevices(page)).toHaveCount(1)
  await expect(otherDevices(page)).toContainText('Seeded device 2')
})
