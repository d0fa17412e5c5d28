import AxeBuilder from '@axe-core/playwright'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { PASSWORDS, expect, test } from './fixtures'
import { dialog, otherDevices, sidebar, signInWithPassword } from './support/person'

async function openSettings(page: Page): Promise<void> {
  await sidebar(page).getByRole('button', { name: 'Settings' }).click()
  await expect(dialog(page, 'Settings')).toBeVisible()
}

test('the theme chosen in Settings is kept in settings.json and comes back after a restart', async ({ app, launch }) => {
  const { page } = app
  await expect(page.getByRole('button', { name: 'Add your first account' })).toBeVisible()
  await openSettings(page)
  const settings = dialog(page, 'Settings')
  await expect(settings.getByRole('radio', { name: 'Same as the system' })).toBeChecked()
  const { violations } = await new AxeBuilder({ page }).analyze()
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([])
  await settings.getByRole('radio', { name: 'Dark' }).check()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  await expect.poll(async () => JSON.parse(await readFile(join(app.dataDir, 'settings.json'), 'utf8').catch(() => '{}')).theme).toBe('dark')
  const saved = JSON.parse(await readFile(join(app.dataDir, 'settings.json'), 'utf8'))
  expect(saved).toEqual({ version: 1, theme: 'dark', publishClientInformation: true, newDeviceCheckMinutes: 15 })
  await settings.getByRole('button', { name: 'Done' }).click()
  await app.close()

  const again = await launch({ sameDataAs: app })
  await expect(again.page.locator('html')).toHaveAttribute('data-theme', 'dark')
  const background = await again.page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
  expect(background).toBe('rgb(18, 21, 25)')
  await openSettings(again.page)
  await expect(dialog(again.page, 'Settings').getByRole('radio', { name: 'Dark' })).toBeChecked()
  // Back to the system's theme: no theme of its own on the page.
  await dialog(again.page, 'Settings').getByRole('radio', { name: 'Same as the system' }).check()
  await expect(again.page.locator('html')).not.toHaveAttribute('data-theme', /./)
})

/** WCAG contrast of the solid danger button's label against its background, and that background's luminance. */
async function dangerButtonLook(page: Page): Promise<{ contrast: number; luminance: number }> {
  return page.getByRole('button', { name: 'Sign out 1 device', exact: true }).evaluate((button) => {
    const rgb = (value: string) => (value.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number)
    const lum = ([r, g, b]: number[]) => {
      const c = [r!, g!, b!].map((v) => {
        const s = v / 255
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
      })
      return 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!
    }
    const style = getComputedStyle(button)
    const bg = lum(rgb(style.backgroundColor))
    const fg = lum(rgb(style.color))
    return { contrast: (Math.max(bg, fg) + 0.05) / (Math.min(bg, fg) + 0.05), luminance: bg }
  })
}

test('the solid danger button reads as strongly in the dark theme as in the light one', async ({ app, homeserver }) => {
  const { page } = app
  homeserver.addDevices('alice', 2)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await otherDevices(page).first().getByRole('checkbox').check()
  const looks: Record<string, { contrast: number; luminance: number }> = {}
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme)
    looks[theme] = await dangerButtonLook(page)
  }
  expect(looks.light!.contrast).toBeGreaterThanOrEqual(4.5)
  expect(looks.dark!.contrast).toBeGreaterThanOrEqual(4.5)
  // A deep red in both, not a pale one with dark text in the dark theme.
  expect(looks.dark!.luminance).toBeLessThan(0.25)
  expect(Math.abs(looks.dark!.contrast - looks.light!.contrast)).toBeLessThan(2)
})
