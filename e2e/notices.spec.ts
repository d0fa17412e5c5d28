import { PASSWORDS, expect, test } from './fixtures'
import { sidebar, signInWithPassword } from './support/person'

test('an error notice belongs to its account: it sits below the list, never over it, and goes when the person switches away', async ({ app, homeserver }) => {
  const { page } = app
  homeserver.addDevices('alice', 12)
  await signInWithPassword(page, homeserver.url, 'bob', PASSWORDS.bob)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  const notices = page.getByRole('complementary', { name: 'Notices' })
  homeserver.setFault('devices', { kind: 'status', status: 500 })
  await page.getByRole('button', { name: 'Refresh' }).click()
  await expect(notices.getByRole('alert')).toBeVisible()
  homeserver.setFault('devices', null)
  // In the page's flow: the list ends where the notices begin.
  const list = (await page.locator('.devices .list').boundingBox())!
  const area = (await notices.boundingBox())!
  expect(list.y + list.height).toBeLessThanOrEqual(area.y + 1)
  await sidebar(page).getByRole('button', { name: /Bob Marley/ }).click()
  await expect(page.locator('main h2')).toHaveText('Bob Marley')
  await expect(notices.getByRole('alert')).toHaveCount(0)
  await sidebar(page).getByRole('button', { name: /Alice Liddell/ }).click()
  await expect(page.locator('main h2')).toHaveText('Alice Liddell')
  await expect(notices.getByRole('alert')).toHaveCount(0)
})

test('notices wait while hovered; then the others time out and the one that needs action stays', async ({ app, homeserver }) => {
  test.slow()
  const { page } = app
  homeserver.addDevices('alice', 2)
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  const notices = page.getByRole('complementary', { name: 'Notices' })
  homeserver.setFault('devices', { kind: 'status', status: 500 })
  await page.getByRole('button', { name: 'Refresh' }).click()
  const trouble = notices.getByRole('alert').filter({ hasText: 'Trouble at' })
  await expect(trouble).toBeVisible()
  homeserver.setFault('devices', null)
  homeserver.softLogout('alice')
  await page.getByRole('button', { name: 'Refresh' }).click()
  const ended = notices.getByRole('alert').filter({ has: page.getByRole('button', { name: 'Sign in again', exact: true }) })
  await expect(ended).toBeVisible()
  // The protocol's words of the 500 are behind Details, not in the sentence.
  await expect(trouble.locator('p').first()).not.toContainText('HTTP')
  await trouble.hover()
  await page.waitForTimeout(16_000)
  await expect(trouble).toBeVisible()
  await page.mouse.move(0, 0)
  await expect(trouble).toHaveCount(0, { timeout: 20_000 })
  await expect(ended).toBeVisible()
  await ended.getByRole('button', { name: 'Sign in again', exact: true }).click()
  await expect(page.getByRole('dialog', { name: 'Sign in again' })).toBeVisible()
})
