import { PASSWORDS, expect, test } from './fixtures'
import { accountButtons, signInWithPassword } from './support/person'

test('a person switches accounts by click and by Ctrl+2', async ({ app, homeserver }) => {
  const { page } = app
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await signInWithPassword(page, homeserver.url, 'bob', PASSWORDS.bob)
  await expect(accountButtons(page)).toHaveCount(2)
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Bob Marley')

  await accountButtons(page).filter({ hasText: 'Alice Liddell' }).click()
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Alice Liddell')
  await expect(accountButtons(page).filter({ hasText: 'Alice Liddell' })).toHaveAttribute('aria-current', 'true')

  await page.keyboard.press('Control+2')
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Bob Marley')
  await expect(accountButtons(page).nth(1)).toHaveAttribute('aria-current', 'true')

  // Reordering by keyboard moves Bob to the top; Ctrl+1 then means Bob.
  await accountButtons(page).nth(1).focus()
  await page.keyboard.press('Alt+ArrowUp')
  await expect(accountButtons(page).first()).toContainText('Bob Marley')
  await page.keyboard.press('Control+2')
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Alice Liddell')

  // Dragging Alice back to the top puts her first again.
  await accountButtons(page).nth(1).dragTo(accountButtons(page).nth(0))
  await expect(accountButtons(page).first()).toContainText('Alice Liddell')
  await page.keyboard.press('Control+2')
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Bob Marley')
})
