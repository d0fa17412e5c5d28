import jsQR from 'jsqr'
import { PNG } from 'pngjs'
import type { Locator } from '@playwright/test'
import { startHomeserver } from '../test/homeserver/index'
import { PASSWORDS, expect, test } from './fixtures'
import { dialog, makeLoginToken, openAddAccount, openTab, sidebar, signInWithPassword } from './support/person'

test('a login token shown as a QR code signs a second Latchkey in', async ({ app, launch, homeserver }) => {
  const { page } = app
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await openTab(page, 'Sign in another device')
  const qr = page.getByRole('img', { name: 'QR code of the login token' })
  await makeLoginToken(page, PASSWORDS.alice, qr)
  await expect(page.locator('p', { hasText: 'Expires in' })).toHaveText(/^\s*Expires in \d+:\d\d\s*$/)

  // The QR code, read back from a screenshot, holds exactly the payload shown beside it.
  const payload = await page.getByRole('textbox', { name: 'Login token' }).inputValue()
  expect(payload).toMatch(/^latchkey:\/\/login\?/)
  const shot = await qr.screenshot()
  const png = PNG.sync.read(shot)
  const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height)
  expect(decoded?.data).toBe(payload)

  // The countdown runs.
  const first = await page.locator('time.countdown').textContent()
  await expect(page.locator('time.countdown')).not.toHaveText(first ?? '', { timeout: 3_000 })

  // A second Latchkey reads the same picture and signs in as Alice on a new device.
  const second = await launch()
  await openAddAccount(second.page)
  await second.page.getByRole('button', { name: 'Use a login token from another device' }).click()
  await second.page.getByLabel('Choose a picture of the QR code').setInputFiles({ name: 'qr.png', mimeType: 'image/png', buffer: shot })
  await expect(second.page.getByRole('textbox', { name: 'Login token' })).toHaveValue(payload)
  await second.page.getByRole('button', { name: 'Sign in with this token' }).click()
  await expect(second.page.getByRole('dialog')).toHaveCount(0)
  await expect(sidebar(second.page).locator('[aria-current="true"]')).toContainText(`@alice:${homeserver.serverName}`)
  expect(homeserver.devicesOf('alice')).toHaveLength(2)
})

test('a server that asks to wait shows the wait, not a spinner', async ({ app, homeserver }) => {
  const { page } = app
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await openTab(page, 'Sign in another device')
  homeserver.rateLimit('getLoginToken', 5, 90_000)
  const wait = page.getByRole('status').filter({ hasText: 'asks you to wait' })
  await makeLoginToken(page, PASSWORDS.alice, wait)
  await expect(wait).toContainText(/wait (about )?(90 seconds|1 minute 30 seconds|2 minutes)/)
  // Said once: the live countdown is on the button, not repeated in the sentence.
  await expect(wait).not.toContainText('try again in')
  await expect(page.getByRole('button', { name: /^Try again in \d:\d\d$/ })).toBeDisabled()
  await expect(page.locator('.token .spinner')).toHaveCount(0)
})

test('a token that still works stays on screen when the server asks to wait before the next one', async ({ app, homeserver }) => {
  const { page } = app
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  await openTab(page, 'Sign in another device')
  const prompt = dialog(page, 'Confirm it is you')
  const qr = page.getByRole('img', { name: 'QR code of the login token' })
  const makeToken = async (button: string, done: Locator) => {
    await page.getByRole('button', { name: button }).click()
    await expect(prompt.or(done)).toBeVisible()
    if (await prompt.isVisible()) {
      await prompt.getByLabel(/^Password for/).fill(PASSWORDS.alice)
      await prompt.getByRole('button', { name: 'Confirm' }).click()
    }
    await expect(done).toBeVisible()
  }
  await makeToken('Make a login token', qr)
  const payload = await page.getByRole('textbox', { name: 'Login token' }).inputValue()

  homeserver.rateLimit('getLoginToken', 5, 60_000)
  const refusal = page.getByRole('status').filter({ hasText: 'No new token' })
  await makeToken('Make a new token', refusal)
  await expect(refusal).toContainText('The one shown still works.')
  await expect(qr).toBeVisible()
  await expect(page.getByRole('textbox', { name: 'Login token' })).toHaveValue(payload)
  await expect(page.getByRole('button', { name: /^Make a new token in \d:\d\d$/ })).toBeDisabled()
})

test('a server without login tokens says so in one sentence', async ({ app }) => {
  const { page } = app
  const server = await startHomeserver({
    users: [{ localpart: 'dana', password: 'dana-password' }],
    flows: { getLoginToken: false },
  })
  try {
    await signInWithPassword(page, server.url, 'dana', 'dana-password')
    await openTab(page, 'Sign in another device')
    await page.getByRole('button', { name: 'Make a login token' }).click()
    const sentence = page.getByRole('status').filter({ hasText: /login token/i })
    await expect(sentence).toBeVisible()
    // One sentence: it ends with a full stop, and no full stop inside starts another.
    await expect(sentence).toHaveText(/^\s*(?:(?!\.\s+[A-Z]).)+\.\s*$/)
    // In words a person knows: the protocol's name for the missing feature is behind "Why".
    await expect(sentence).not.toContainText('m.get_login_token')
    await expect(page.getByRole('button', { name: 'Make a login token' })).toHaveCount(0)
  } finally {
    await server.close()
  }
})

test('the login-token page says what the code is for, and covers it once it has expired', async ({ app }) => {
  const { page } = app
  const hs = await startHomeserver({ users: [{ localpart: 'dora', password: 'dora-pass' }], loginTokenLifetimeMs: 4_000 })
  try {
    await signInWithPassword(page, hs.url, 'dora', 'dora-pass')
    await openTab(page, 'Sign in another device')
    const panel = page.getByRole('tabpanel')
    await expect(panel).toContainText('Latchkey on the other device')
    await expect(panel).toContainText('Another Matrix app')
    const qr = page.getByRole('img', { name: 'QR code of the login token' })
    await makeLoginToken(page, 'dora-pass', qr)
    await expect(panel).toContainText('only Latchkey reads this code')
    await expect(page.getByRole('button', { name: 'Copy token for another app' })).toBeEnabled()
    // Expired: the code is covered, not merely faded, and its text is gone from the field.
    await expect(page.getByRole('img', { name: 'Expired login token, covered' })).toBeVisible({ timeout: 10_000 })
    await expect(qr).toHaveCount(0)
    await expect(page.getByRole('textbox', { name: 'Login token', exact: true })).toHaveValue('')
    await expect(page.getByRole('button', { name: 'Copy token for another app' })).toBeDisabled()
  } finally {
    await hs.close()
  }
})
