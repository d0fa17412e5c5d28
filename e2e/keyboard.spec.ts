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
