import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { openAddAccount, openTab, signInWithPassword } from './support/person'

const LOCALPART = 'averyveryverylongusernamethatgoesonandonforeverandeverandever'
const DISPLAY_NAME = 'Maximilian Alexander Bartholomew von Hohenzollern-Sigmaringen the Third of Everywhere and Elsewhere'

/** Nothing in the window sticks out sideways: no element wider than the viewport, no scrolled-off content. */
async function expectNothingCutOff(page: Page, where: string): Promise<void> {
  const cutOff = await page.evaluate(() => {
    const width = document.documentElement.clientWidth
    // Text cut short on purpose (an ellipsis) sits inside a box that clips it, and that box fits.
    const clippedInside = (el: HTMLElement): boolean => {
      for (let up = el.parentElement; up; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== 'visible') return up.getBoundingClientRect().right <= width + 1
      }
      return false
    }
    const out: string[] = []
    for (const el of document.querySelectorAll<HTMLElement>('main *, aside *, dialog[open] *')) {
      const box = el.getBoundingClientRect()
      if (box.width === 0 || getComputedStyle(el).visibility === 'hidden') continue
      if (box.right > width + 1 && !clippedInside(el)) out.push(`${el.tagName.toLowerCase()}.${el.className} reaches ${Math.round(box.right)}px`)
    }
    for (const el of document.querySelectorAll<HTMLElement>('main, .panel, .modal-body')) {
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.tagName.toLowerCase()}.${el.className} scrolls sideways`)
    }
    return out
  })
  expect(cutOff, where).toEqual([])
}

test.describe('in a narrow window', () => {
  test('a very long name and user id wrap or shorten, and every button stays in the window', async ({ app, homeserver }) => {
    const { page } = app
    await page.setViewportSize({ width: 760, height: 600 })
    homeserver.addUser({ localpart: LOCALPART, password: 'long-password', displayName: DISPLAY_NAME })
    await signInWithPassword(page, homeserver.url, LOCALPART, 'long-password')
    // The "Signed in as …" notice carries the whole user id: it wraps inside the window.
    await expect(page.getByRole('complementary', { name: 'Notices' })).toContainText(LOCALPART)
    await expectNothingCutOff(page, 'devices')
    await openTab(page, 'Sign in another device')
    await expectNothingCutOff(page, 'login token')
    await openTab(page, 'Account')
    await expectNothingCutOff(page, 'account')
    for (const name of ['Save', 'Sign out…', 'Sign out everywhere…', 'Forget…']) {
      const button = page.getByRole('button', { name, exact: true })
      await button.scrollIntoViewIfNeeded()
      await expect(button).toBeInViewport({ ratio: 1 })
    }
    await openAddAccount(page)
    await expectNothingCutOff(page, 'add account')
  })
})
