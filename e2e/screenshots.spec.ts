/**
 * The README's pictures, from a realistic demo (support/showcaseBridge: real-looking servers,
 * client names and generated avatars), each screen in the light and the dark theme from the same
 * run. `npm run screenshots` writes them to docs/screenshots; an ordinary run writes them under
 * test-results and only checks that every screen can be reached. The narrowest window and the
 * zoomed windows are pictured too (test-results/screenshots), to be looked at.
 */
import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Browser, Page } from '@playwright/test'
import { CALL_NAMES } from '../src/shared/channels'
import { expect, test } from './fixtures'
import { NAME_SHIM } from './support/demoBridge'
import { installShowcaseBridge } from './support/showcaseBridge'
import type { StaticServer } from './support/staticServer'

const README = resolve(import.meta.dirname, '../docs/screenshots')
const LOOK = resolve(import.meta.dirname, '../test-results/screenshots')
const SHOTS = process.env.LATCHKEY_SCREENSHOTS ? README : LOOK

async function open(browser: Browser, renderer: StaticServer, options: { width?: number; height?: number; zoom?: number; empty?: boolean } = {}): Promise<Page> {
  const zoom = options.zoom ?? 1
  const context = await browser.newContext({
    viewport: { width: Math.round((options.width ?? 1120) / zoom), height: Math.round((options.height ?? 760) / zoom) },
    deviceScaleFactor: zoom,
    colorScheme: 'light',
  })
  const page = await context.newPage()
  await page.addInitScript({ content: NAME_SHIM })
  await page.addInitScript(installShowcaseBridge, { callNames: [...CALL_NAMES], empty: options.empty === true })
  await page.goto(renderer.url)
  return page
}

/** The same screen in both themes, one after the other. */
async function shoot(page: Page, dir: string, name: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  await page.mouse.move(0, 0)
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme)
    await page.waitForTimeout(60)
    await page.screenshot({ path: resolve(dir, theme === 'light' ? `${name}.png` : `${name}-dark.png`) })
  }
  await page.evaluate(() => delete document.documentElement.dataset.theme)
}

test.describe('README screenshots (browser driver only: the pictures come from Chromium)', () => {
  test.skip(({ driver }) => driver !== 'chromium', 'pictures come from the browser driver')

  test('every main screen, light and dark, from the realistic demo', async ({ browser, renderer }) => {
    test.slow()
    const welcome = await open(browser, renderer, { empty: true })
    await expect(welcome.getByRole('button', { name: 'Add your first account' })).toBeVisible()
    await shoot(welcome, SHOTS, 'welcome')
    await welcome.context().close()

    const page = await open(browser, renderer)
    const list = page.getByRole('list', { name: 'Other devices' })
    await expect(list.getByRole('listitem').first()).toBeVisible()
    // Generated avatars, not initials, for the accounts that have one.
    await expect(page.locator('nav img')).toHaveCount(2)
    await shoot(page, SHOTS, 'devices')

    await list.getByRole('checkbox', { name: /Element on Safari/ }).check()
    await list.getByRole('checkbox', { name: /Riot on Android/ }).check()
    await page.getByRole('button', { name: 'Sign out 2 devices' }).click()
    await expect(page.getByRole('dialog', { name: 'Sign out 2 devices?' })).toBeVisible()
    await shoot(page, SHOTS, 'sign-out-confirmation')
    await page.getByRole('dialog').getByRole('button', { name: 'Sign out 2 devices' }).click()
    await expect(page.getByRole('dialog', { name: 'Confirm it is you' })).toBeVisible()
    await shoot(page, SHOTS, 'password-prompt')
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click()

    await page.getByRole('tab', { name: 'Sign in another device' }).click()
    await page.getByRole('button', { name: 'Make a login token' }).click()
    const prompt = page.getByRole('dialog', { name: 'Confirm it is you' })
    await prompt.getByLabel(/^Password for/).fill('correct horse battery staple')
    await prompt.getByRole('button', { name: 'Confirm' }).click()
    await expect(page.getByRole('img', { name: 'QR code of the login token' })).toBeVisible()
    await shoot(page, SHOTS, 'login-token')

    await page.getByRole('tab', { name: 'Account' }).click()
    await shoot(page, SHOTS, 'account')

    await page.getByRole('navigation', { name: 'Accounts' }).getByRole('button', { name: /maya\.o/ }).first().click()
    await expect(page.getByRole('heading', { level: 2, name: 'maya.o' })).toBeVisible()
    await page.getByRole('tab', { name: 'Devices' }).click()
    await shoot(page, SHOTS, 'needs-sign-in')

    await page.getByRole('navigation', { name: 'Accounts' }).getByRole('button', { name: 'Add account' }).click()
    await page.getByRole('textbox', { name: 'Homeserver', exact: true }).fill('matrix.org')
    await page.getByRole('button', { name: 'Continue', exact: true }).click()
    await expect(page.getByLabel('Username')).toBeVisible()
    await page.getByLabel('Username').fill('maya')
    await shoot(page, SHOTS, 'add-account')
    await page.keyboard.press('Escape')

    await page.getByRole('navigation', { name: 'Accounts' }).getByRole('button', { name: 'Settings' }).click()
    await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible()
    await shoot(page, SHOTS, 'settings')
    await page.context().close()
  })

  test('the narrowest window and the zoom steps, light and dark, to look at', async ({ browser, renderer }) => {
    for (const [name, options] of [
      ['narrow-500', { width: 500, height: 720 }],
      ['zoom-125', { width: 1520, height: 950, zoom: 1.25 }],
      ['zoom-150', { width: 1520, height: 950, zoom: 1.5 }],
      ['zoom-200', { width: 1520, height: 950, zoom: 2 }],
    ] as const) {
      const page = await open(browser, renderer, options)
      await expect(page.getByRole('list', { name: 'Other devices' }).getByRole('listitem').first()).toBeVisible()
      await shoot(page, LOOK, name)
      if (name === 'narrow-500' && process.env.LATCHKEY_SCREENSHOTS) await shoot(page, README, 'devices-narrow')
      await page.getByRole('tab', { name: 'Sign in another device' }).click()
      await shoot(page, LOOK, `${name}-token`)
      await page.context().close()
    }
  })
})
