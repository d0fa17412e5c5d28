import { startHomeserver } from '../test/homeserver/index'
import { PASSWORDS, expect, test } from './fixtures'
import { accountButtons, backToLatchkey, chooseServer, dialog, openAddAccount, PASSWORD_FIELD, signInWithPassword, sidebar } from './support/person'

test('a person adds an account with a password and lands on its devices', async ({ app, homeserver }) => {
  const { page } = app
  await expect(page.getByRole('button', { name: 'Add your first account' })).toBeVisible()
  await openAddAccount(page)
  await chooseServer(page, homeserver.url)
  // Discovery says which server answered and what it offers.
  await expect(dialog(page)).toContainText(homeserver.url)
  await expect(dialog(page)).toContainText('You can sign in with a password, single sign-on or login tokens.')
  await expect(dialog(page).getByRole('button', { name: 'Continue with Test identity provider' })).toBeVisible()

  await page.getByLabel('Username').fill('alice')
  await page.getByLabel(PASSWORD_FIELD).fill('not-her-password')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  // A refused password is a sentence next to the password field, and nothing is added.
  const refusal = page.locator('#password-error')
  await expect(refusal).toBeVisible()
  await expect(refusal).not.toContainText(/error:|\b40\d\b|M_FORBIDDEN/i)
  await expect(page.getByLabel(PASSWORD_FIELD)).toHaveAttribute('aria-invalid', 'true')
  await expect(accountButtons(page)).toHaveCount(0)

  await page.getByLabel(PASSWORD_FIELD).fill(PASSWORDS.alice)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await expect(accountButtons(page)).toHaveCount(1)
  await expect(accountButtons(page).first()).toHaveAttribute('aria-current', 'true')
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Alice Liddell')
  await expect(page.locator('.pinned')).toContainText('This device')
})

test('a person adds an account through SSO on the identity provider page', async ({ app, homeserver }) => {
  const { page } = app
  await openAddAccount(page)
  await chooseServer(page, homeserver.url)
  const browserTab = app.nextExternalPage()
  await page.getByRole('button', { name: 'Continue with Test identity provider' }).click()
  await expect(dialog(page, 'Continue in your browser')).toBeVisible()

  const idp = await browserTab
  await expect(idp.getByRole('heading', { name: 'Sign in with Test identity provider' })).toBeVisible()
  await idp.getByLabel('Account').selectOption({ label: `Carol Danvers (@carol:${homeserver.serverName})` })
  await idp.getByRole('button', { name: 'Continue' }).click()
  await expect(idp.getByText(/Signed in to Latchkey as @carol/)).toBeVisible()
  await backToLatchkey(page)

  await expect(page.getByRole('dialog')).toHaveCount(0)
  await expect(sidebar(page).locator('[aria-current="true"]')).toContainText(`@carol:${homeserver.serverName}`)
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Carol Danvers')
})

test('a dead server gives a readable error and leaves the account list as it was', async ({ app, homeserver }) => {
  const { page } = app
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await expect(accountButtons(page)).toHaveCount(1)

  // Nothing listens on a port that was just closed.
  const gone = await startHomeserver()
  const deadUrl = gone.url
  await gone.close()

  await openAddAccount(page)
  await chooseServer(page, deadUrl)
  const error = page.locator('#server-error')
  await expect(error).toBeVisible()
  await expect(error).toContainText(/reach|connect|answer/i)
  await expect(error).not.toContainText(/ECONNREFUSED|Error:|at \w+ \(/)
  await expect(page.getByLabel('Homeserver')).toHaveAttribute('aria-invalid', 'true')

  // A server that drops the connection in the middle of signing in: also a sentence, also no change.
  await page.getByLabel('Homeserver').fill(homeserver.url)
  await page.getByRole('button', { name: 'Continue', exact: true }).click()
  homeserver.setFault('login', { kind: 'reset' })
  await page.getByLabel('Username').fill('bob')
  await page.getByLabel(PASSWORD_FIELD).fill(PASSWORDS.bob)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(dialog(page).getByRole('alert')).toContainText(/\w+ \w+ \w+/)
  await expect(dialog(page).getByRole('alert')).not.toContainText(/ECONNRESET|Error:/)
  await page.keyboard.press('Escape')
  await expect(accountButtons(page)).toHaveCount(1)
  await expect(accountButtons(page).first()).toContainText('@alice:')
})

test('a full Matrix ID typed as the server fills the server and the username', async ({ app, homeserver }) => {
  const { page } = app
  const host = new URL(homeserver.url).host
  await openAddAccount(page)
  const form = dialog(page, 'Add an account')
  const server = form.getByRole('textbox', { name: 'Homeserver', exact: true })
  await server.fill(`@alice:${host}`)
  await form.getByRole('button', { name: 'Continue', exact: true }).click()
  // The server half goes to the server field (the test server speaks plain http, so its bare name
  // does not answer: the person gives its address, and the username half is waiting).
  await expect(server).toHaveValue(host)
  await server.fill(homeserver.url)
  await form.getByRole('button', { name: 'Continue', exact: true }).click()
  await expect(dialog(page).getByLabel('Username')).toHaveValue('alice')
  await expect(dialog(page).getByLabel(PASSWORD_FIELD)).toBeFocused()
})

test('a full Matrix ID typed as the username on another server looks that server up instead', async ({ app, homeserver }) => {
  const { page } = app
  const other = await startHomeserver({ users: [{ localpart: 'carol2', password: 'carol-pass' }] })
  try {
    await openAddAccount(page)
    await chooseServer(page, homeserver.url)
    const username = dialog(page).getByLabel('Username')
    await username.fill(`@carol2:${new URL(other.url).host}`)
    await username.press('Tab')
    const server = dialog(page).getByRole('textbox', { name: 'Homeserver', exact: true })
    await expect(server).toHaveValue(new URL(other.url).host)
    await chooseServer(page, other.url)
    await expect(dialog(page).getByLabel('Username')).toHaveValue('carol2')
    await expect(dialog(page)).toContainText(new URL(other.url).host)
  } finally {
    await other.close()
  }
})

test('a sign-in the server asks to slow down shows the wait on the button', async ({ app, homeserver }) => {
  const { page } = app
  homeserver.rateLimit('login', 5, 90_000)
  await openAddAccount(page)
  await chooseServer(page, homeserver.url)
  const form = dialog(page)
  await form.getByLabel('Username').fill('alice')
  await form.getByLabel(PASSWORD_FIELD).fill(PASSWORDS.alice)
  await form.getByRole('button', { name: 'Sign in', exact: true }).click()
  const button = form.getByRole('button', { name: /^Sign in again in \d:\d\d$/ })
  await expect(button).toBeDisabled()
  const first = await button.textContent()
  await expect(button).not.toHaveText(first!, { timeout: 3_000 })
})
