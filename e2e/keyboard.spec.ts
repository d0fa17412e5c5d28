import { PASSWORDS, expect, test } from './fixtures'
import { dialog, openAddAccount, openTab, signInWithPassword } from './support/person'

test('Escape closes a dialog and the keyboard is back on the button that opened it', async ({ app, homeserver }) => {
  const { page } = app
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await openTab(page, 'Account')
  const signOut = page.getByRole('button', { name: 'Sign out…' })
  await signOut.focus()
  await page.keyboard.press('Enter')
  await expect(dialog(page, /^Sign out of @alice/)).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await expect(signOut).toBeFocused()
})

test('a server that cannot be reached leaves the keyboard in the server field, ready to fix it', async ({ app }) => {
  const { page } = app
  await openAddAccount(page)
  const field = page.getByRole('textbox', { name: 'Homeserver', exact: true })
  await field.fill('http://127.0.0.1:9')
  await field.press('Enter')
  await expect(dialog(page).getByRole('alert')).toContainText('127.0.0.1:9')
  await expect(field).toBeFocused()
  await expect(field).toHaveAttribute('aria-invalid', 'true')
})

test('by keyboard alone: a login token is made and the keyboard lands on it', async ({ app, homeserver }) => {
  const { page } = app
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await openTab(page, 'Sign in another device')
  await page.getByRole('button', { name: 'Make a login token' }).focus()
  await page.keyboard.press('Enter')
  const prompt = dialog(page, 'Confirm it is you')
  const field = page.getByRole('textbox', { name: 'Login token' })
  await expect(prompt.or(field)).toBeVisible()
  if (await prompt.isVisible()) {
    await expect(prompt.getByLabel(/^Password for/)).toBeFocused()
    await page.keyboard.type(PASSWORDS.alice)
    await page.keyboard.press('Enter')
  }
  await expect(field).toBeFocused()
})

test('by keyboard alone: two devices are signed out and the keyboard is back at the search', async ({ app, homeserver }) => {
  const { page } = app
  homeserver.addDevices('alice', 3)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  const boxes = page.getByRole('list', { name: 'Other devices' }).getByRole('checkbox')
  await boxes.nth(0).focus()
  await page.keyboard.press('Space')
  await boxes.nth(1).focus()
  await page.keyboard.press('Space')
  await page.getByRole('button', { name: 'Sign out 2 devices' }).focus()
  await page.keyboard.press('Enter')
  const confirm = dialog(page, 'Sign out 2 devices?')
  await confirm.getByRole('button', { name: 'Sign out 2 devices' }).focus()
  await page.keyboard.press('Enter')
  await expect(dialog(page, 'Confirm it is you').getByLabel(/^Password for/)).toBeFocused()
  await page.keyboard.type(PASSWORDS.alice)
  await page.keyboard.press('Enter')
  await expect(page.getByRole('list', { name: 'Other devices' }).getByRole('listitem')).toHaveCount(1)
  await expect(page.getByRole('searchbox', { name: 'Search devices' })).toBeFocused()
})

test('Ctrl+1…9 do not switch accounts while the person types or answers a dialog', async ({ app, homeserver }) => {
  const { page } = app
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await signInWithPassword(page, homeserver.url, 'bob', PASSWORDS.bob)
  const heading = page.locator('main h2')
  await expect(heading).toHaveText('Bob Marley')

  const search = page.getByRole('searchbox', { name: 'Search devices' })
  await search.fill('lap')
  await search.press('Control+1')
  await expect(heading).toHaveText('Bob Marley')
  await expect(search).toHaveValue('lap')

  await openTab(page, 'Account')
  await page.getByRole('button', { name: 'Forget…' }).click()
  await expect(dialog(page, /^Forget @bob/)).toBeVisible()
  await page.keyboard.press('Control+1')
  await expect(dialog(page, /^Forget @bob/)).toBeVisible()
  await expect(heading).toHaveText('Bob Marley')
  await page.keyboard.press('Escape')

  await page.keyboard.press('Control+1')
  await expect(heading).toHaveText('Alice Liddell')
})
