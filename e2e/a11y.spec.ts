import AxeBuilder from '@axe-core/playwright'
import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Page, TestInfo } from '@playwright/test'
import { PASSWORDS, expect, test } from './fixtures'
import { chooseServer, dialog, makeLoginToken, openAddAccount, openTab, sidebar, signInWithPassword } from './support/person'

// Pictures of what axe checked, for a look; the README's come from screenshots.spec.ts.
const SHOTS = resolve(import.meta.dirname, '../test-results/a11y')

/** Axe on what is on screen now: no serious or critical violation. */
async function checkScreen(page: Page, screen: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  const bad = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}) — ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  expect(bad, `axe on the ${screen} screen`).toEqual([])
}

/** The browser driver keeps a picture of each main screen for the README. */
async function shoot(page: Page, info: TestInfo, name: string): Promise<void> {
  if (info.project.name !== 'chromium') return
  await mkdir(SHOTS, { recursive: true })
  // Done-notices fade by themselves; a picture should not wait for them, nor show them over the list.
  const notices = page.getByRole('complementary', { name: 'Notices' }).getByRole('button', { name: /^Dismiss: (Signed|Saved)/ })
  while ((await notices.count()) > 0) await notices.first().click()
  await page.mouse.move(0, 0)
  await page.waitForTimeout(150)
  await page.screenshot({ path: resolve(SHOTS, `${name}.png`) })
}

test('axe finds no serious or critical violation on any screen', async ({ app, homeserver }, info) => {
  test.slow()
  const { page } = app
  homeserver.addDevices('alice', 40)

  await expect(page.getByRole('button', { name: 'Add your first account' })).toBeVisible()
  await checkScreen(page, 'welcome')
  await shoot(page, info, 'welcome')

  await openAddAccount(page)
  await checkScreen(page, 'add account: server')
  await chooseServer(page, homeserver.url)
  await expect(page.getByLabel('Username')).toBeVisible()
  await page.getByLabel('Username').fill('alice')
  await checkScreen(page, 'add account: sign-in methods')
  await shoot(page, info, 'add-account')
  await page.getByRole('button', { name: 'Sign in with a login token from another device' }).click()
  await checkScreen(page, 'add account: login token')
  await page.keyboard.press('Escape')

  await signInWithPassword(page, homeserver.url, 'bob', PASSWORDS.bob)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await openTab(page, 'Account')
  await page.getByLabel('Label').fill('Work')
  await page.getByLabel('Colour').fill('#2f7d5b')
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await expect(sidebar(page).locator('[aria-current="true"]')).toContainText('Work')
  await openTab(page, 'Devices')
  await expect(page.getByRole('list', { name: 'Other devices' })).toBeVisible()
  await checkScreen(page, 'devices')
  await shoot(page, info, 'devices')

  const boxes = page.getByRole('list', { name: 'Other devices' }).getByRole('checkbox')
  await boxes.nth(0).check()
  await boxes.nth(2).check()
  await page.getByRole('button', { name: 'Sign out 2 devices' }).click()
  await expect(dialog(page, 'Sign out 2 devices?')).toBeVisible()
  await checkScreen(page, 'sign-out confirmation')
  await shoot(page, info, 'sign-out-confirmation')
  await dialog(page, 'Sign out 2 devices?').getByRole('button', { name: 'Sign out 2 devices' }).click()
  await expect(dialog(page, 'Confirm it is you')).toBeVisible()
  await checkScreen(page, 'password prompt')
  await shoot(page, info, 'password-prompt')
  await dialog(page, 'Confirm it is you').getByRole('button', { name: 'Cancel' }).click()

  await openTab(page, 'Sign in another device')
  await checkScreen(page, 'login token (before)')
  const qr = page.getByRole('img', { name: 'QR code of the login token' })
  await makeLoginToken(page, PASSWORDS.alice, qr)
  await checkScreen(page, 'login token')
  await shoot(page, info, 'login-token')

  await openTab(page, 'Account')
  await checkScreen(page, 'account')
  await shoot(page, info, 'account')

  homeserver.softLogout('alice')
  await sidebar(page).getByRole('button', { name: 'Check all accounts' }).click()
  await expect(sidebar(page)).toContainText('Needs sign-in')
  await openTab(page, 'Devices')
  await checkScreen(page, 'needs sign-in')
  await shoot(page, info, 'needs-sign-in')
})

test.describe('in the dark theme', () => {
  test.use({ colorScheme: 'dark' })

  test('axe finds no serious or critical violation on the devices screen', async ({ app, homeserver }, info) => {
    const { page } = app
    homeserver.addDevices('alice', 40)
    await signInWithPassword(page, homeserver.url, 'bob', PASSWORDS.bob)
    await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
    await expect(page.getByRole('list', { name: 'Other devices' })).toBeVisible()
    await checkScreen(page, 'devices (dark)')
    await shoot(page, info, 'devices-dark')
    await openAddAccount(page)
    await checkScreen(page, 'add account (dark)')
  })
})
