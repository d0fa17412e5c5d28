import { resolve } from 'node:path'
import { PASSWORDS, expect, test } from './fixtures'
import { STEPS, layoutProblems } from './support/layout'
import { openAddAccount, openTab, otherDevices, signInWithPassword } from './support/person'

const SHOTS = resolve(import.meta.dirname, '../test-results/layout')

for (const theme of ['light', 'dark'] as const) {
  test.describe(`in the ${theme} theme`, () => {
    test.use({ colorScheme: theme })

    test('every tab works from a 500-px window to a 1520-px window at 50–200 % zoom', async ({ app, homeserver }) => {
      test.slow()
      const { page } = app
      homeserver.addDevices('alice', 30)
      await signInWithPassword(page, homeserver.url, 'bob', PASSWORDS.bob)
      await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
      await expect(otherDevices(page).first()).toBeVisible()
      const found: string[] = []
      for (const step of STEPS) {
        await page.setViewportSize({ width: step.width, height: step.height })
        for (const tab of ['Devices', 'Sign in another device', 'Account'] as const) {
          // A folded sidebar hides nothing the tabs need; the tabs themselves stay reachable.
          await openTab(page, tab)
          await page.waitForTimeout(50)
          for (const problem of await layoutProblems(page)) found.push(`${step.name}, ${tab}: ${problem}`)
          if (tab === 'Devices') await page.screenshot({ path: resolve(SHOTS, `${theme}-${step.name}-devices.png`) })
        }
      }
      // The narrowest window: the sidebar folds behind a button and opens over the page.
      await page.setViewportSize({ width: 500, height: 700 })
      await openTab(page, 'Devices')
      const toggle = page.getByRole('button', { name: 'Accounts', exact: true })
      await toggle.click()
      await expect(page.getByRole('navigation', { name: 'Accounts' })).toBeInViewport()
      // The keyboard goes into the sidebar, on the account shown; Escape gives it back to the button.
      await expect(page.locator('nav button.account[aria-current="true"]')).toBeFocused()
      for (const problem of await layoutProblems(page)) found.push(`500px, sidebar open: ${problem}`)
      await page.screenshot({ path: resolve(SHOTS, `${theme}-500px-sidebar.png`) })
      await page.keyboard.press('Escape')
      await expect(toggle).toBeFocused()
      await expect(toggle).toHaveAttribute('aria-expanded', 'false')
      await openAddAccount(page)
      for (const problem of await layoutProblems(page)) found.push(`500px, add account: ${problem}`)
      expect(found).toEqual([])
    })
  })
}

test('a rename error makes room in its row instead of covering the next one', async ({ app, homeserver }) => {
  const { page } = app
  homeserver.addDevices('alice', 5)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  // 760 px at 125 % zoom.
  await page.setViewportSize({ width: 608, height: 700 })
  const row = otherDevices(page).filter({ hasText: 'Seeded device 2' })
  await row.getByRole('button', { name: /^Rename Seeded device 2/ }).click()
  const field = page.getByLabel(/^New name for/)
  await field.fill('   ')
  await field.press('Enter')
  const error = page.getByText('A device name cannot be empty.')
  await expect(error).toBeVisible()
  // The row below starts below the error, and nothing spills out of any row.
  const next = otherDevices(page).nth(2)
  await expect(async () => {
    const errorBox = (await error.boundingBox())!
    const nextBox = (await next.boundingBox())!
    expect(nextBox.y).toBeGreaterThanOrEqual(errorBox.y + errorBox.height)
  }).toPass()
  expect(await layoutProblems(page)).toEqual([])
  await field.press('Escape')
  // Back to its usual height: the next row moves up again.
  const rowBox = (await otherDevices(page).nth(1).boundingBox())!
  await expect(async () => expect((await next.boundingBox())!.y).toBeLessThanOrEqual(rowBox.y + rowBox.height + 1)).toPass()
})

test('at 1400 px every tab has the same content width', async ({ app, homeserver }) => {
  const { page } = app
  await page.setViewportSize({ width: 1400, height: 800 })
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  const widths: number[] = []
  for (const tab of ['Devices', 'Sign in another device', 'Account'] as const) {
    await openTab(page, tab)
    widths.push(Math.round((await page.getByRole('tabpanel').boundingBox())!.width))
  }
  expect(new Set(widths).size, `panel widths ${widths.join(', ')}`).toBe(1)
  expect(widths[0]).toBeLessThan(1400 - 300)
})

test('icons are drawn inline, never font glyphs that a plain system may lack', async ({ app, homeserver }) => {
  const { page } = app
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await expect(page.getByRole('button', { name: 'Add account' }).locator('svg')).toHaveCount(1)
  const glyphs = await page.evaluate(() => {
    const found: string[] = []
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      const hit = /[＋★✕⚠↻●○⊘]/u.exec(node.textContent ?? '')
      if (hit) found.push(`${hit[0]} in ${node.parentElement?.outerHTML.slice(0, 80)}`)
    }
    for (const el of document.querySelectorAll('*')) {
      const before = getComputedStyle(el, '::before').content
      if (/[＋★✕⚠↻]/u.test(before)) found.push(`${before} before ${el.tagName}`)
    }
    return found
  })
  expect(glyphs).toEqual([])
})
