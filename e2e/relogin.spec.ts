import { PASSWORDS, expect, test } from './fixtures'
import { dialog, sidebar, signInWithPassword } from './support/person'

test('a person signs in again after a soft logout, keeping the same device', async ({ app, homeserver }) => {
  const { page } = app
  await signInWithPassword(page, homeserver.url, 'alice', PASSWORDS.alice)
  const deviceId = homeserver.devicesOf('alice')[0]!.deviceId

  homeserver.softLogout('alice')
  await sidebar(page).getByRole('button', { name: 'Check all accounts' }).click()
  await expect(sidebar(page)).toContainText('Needs sign-in')

  await sidebar(page).getByRole('button', { name: /^Sign in again/ }).click()
  const prompt = dialog(page, 'Sign in again')
  await expect(prompt).toContainText(deviceId)
  await prompt.getByLabel(/^Password for/).fill('wrong password')
  await prompt.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(dialog(page, 'Sign in again').getByRole('alert')).toBeVisible()
  await dialog(page, 'Sign in again').getByLabel(/^Password for/).fill(PASSWORDS.alice)
  await dialog(page, 'Sign in again').getByRole('button', { name: 'Sign in', exact: true }).click()

  await expect(page.getByRole('dialog')).toHaveCount(0)
  await expect(sidebar(page)).toContainText('Active')
  await expect(sidebar(page)).not.toContainText('Needs sign-in')
  expect(homeserver.devicesOf('alice').map((d) => d.deviceId)).toEqual([deviceId])
})
