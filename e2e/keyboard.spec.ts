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
  // (The search shows only when there are other devices to search.)
  homeserver.addDevices('bob', 2)
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

test('after the first account is added the keyboard is on its heading', async ({ app, homeserver }) => {
  const { page } = app
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await expect(page.getByRole('heading', { level: 2, name: 'Alice Liddell' })).toBeFocused()
})

test('arrow keys move through the devices list, rendering rows as they go', async ({ app, homeserver }) => {
  const { page } = app
  homeserver.addDevices('alice', 50)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  const list = page.getByRole('list', { name: 'Other devices' })
  const first = list.getByRole('checkbox').first()
  await first.focus()
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowDown')
  const focusedRow = () => page.evaluate(() => document.activeElement?.closest('li')?.getAttribute('aria-posinset'))
  expect(await focusedRow()).toBe('3')
  expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe('checkbox')
  // End reaches the last device, far past the rows first drawn; Home comes back.
  await page.keyboard.press('End')
  expect(await focusedRow()).toBe('50')
  await expect(page.locator(':focus')).toBeInViewport()
  await page.keyboard.press('Home')
  expect(await focusedRow()).toBe('1')
  // The same control of the next row: from a Rename button to the next Rename button.
  await list.getByRole('button', { name: /^Rename/ }).first().focus()
  await page.keyboard.press('ArrowDown')
  await expect(page.locator(':focus')).toHaveAccessibleName(/^Rename/)
  expect(await focusedRow()).toBe('2')
})

test('Ctrl+F and / go to the device search, from another tab too', async ({ app, homeserver }) => {
  const { page } = app
  homeserver.addDevices('alice', 2)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  const search = page.getByRole('searchbox', { name: 'Search devices' })
  await page.getByRole('tab', { name: 'Account' }).click()
  await page.keyboard.press('/')
  await expect(search).toBeFocused()
  await expect(search).toHaveValue('')
  await page.getByRole('tab', { name: 'Devices' }).focus()
  await page.keyboard.press('Control+f')
  await expect(search).toBeFocused()
  // Typing "/" in the search is a character, not a shortcut.
  await page.keyboard.type('a/b')
  await expect(search).toHaveValue('a/b')
})
