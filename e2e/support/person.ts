/**
 * What a person does in Latchkey, in the words of the UI (roles and accessible names), so the
 * specs read as stories and break when the UI stops saying what it does.
 */
import { expect, type Locator, type Page } from '@playwright/test'

/** The add-account form's password field: "Password", or "Password (sent to <host>)" (issue 9 §2). */
export const PASSWORD_FIELD = /^Password( \(sent to .+\))?$/

export function sidebar(page: Page) {
  return page.getByRole('navigation', { name: 'Accounts' })
}

export function accountButtons(page: Page) {
  return sidebar(page).locator('button.account')
}

export function dialog(page: Page, name?: string | RegExp) {
  return name ? page.getByRole('dialog', { name }) : page.getByRole('dialog')
}

/** In a narrow window the sidebar is folded away: the Accounts button opens it. */
export async function unfoldSidebar(page: Page): Promise<void> {
  const toggle = page.getByRole('button', { name: 'Accounts', exact: true })
  if ((await toggle.isVisible()) && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click()
}

export async function openAddAccount(page: Page): Promise<void> {
  const first = page.getByRole('button', { name: 'Add your first account' })
  if (await first.isVisible()) await first.click()
  else {
    await unfoldSidebar(page)
    await sidebar(page).getByRole('button', { name: 'Add account' }).click()
  }
  await expect(dialog(page, 'Add an account')).toBeVisible()
}

export async function chooseServer(page: Page, server: string): Promise<void> {
  const form = dialog(page, 'Add an account')
  await form.getByRole('textbox', { name: 'Homeserver', exact: true }).fill(server)
  await form.getByRole('button', { name: 'Continue', exact: true }).click()
}

export async function signInWithPassword(page: Page, server: string, user: string, password: string): Promise<void> {
  await openAddAccount(page)
  await chooseServer(page, server)
  const form = dialog(page)
  await form.getByLabel('Username').fill(user)
  await form.getByLabel(PASSWORD_FIELD).fill(password)
  await form.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(page.getByRole('dialog')).toHaveCount(0)
  // (The sidebar may be folded away in a narrow window: found by its markup, not its role.)
  await expect(page.locator('nav[aria-label="Accounts"] [aria-current="true"]')).toContainText(user.startsWith('@') ? user : `@${user}:`)
}

/** Answers the "Confirm it is you" prompt, when the server asks for one. */
export async function confirmWithPassword(page: Page, password: string): Promise<void> {
  const prompt = dialog(page, 'Confirm it is you')
  await expect(prompt).toBeVisible()
  await prompt.getByLabel(/^Password for/).fill(password)
  await prompt.getByRole('button', { name: 'Confirm' }).click()
}

/**
 * Presses "Make a login token" and, if the server first asks who it is, answers with `password`;
 * then waits for `outcome` (the QR code, or the sentence the server's refusal becomes).
 */
export async function makeLoginToken(page: Page, password: string, outcome: Locator): Promise<void> {
  await page.getByRole('button', { name: 'Make a login token' }).click()
  const prompt = dialog(page, 'Confirm it is you')
  await expect(prompt.or(outcome)).toBeVisible()
  if (await prompt.isVisible()) {
    await prompt.getByLabel(/^Password for/).fill(password)
    await prompt.getByRole('button', { name: 'Confirm' }).click()
  }
  await expect(outcome).toBeVisible()
}

export function otherDevices(page: Page) {
  return page.getByRole('list', { name: 'Other devices' }).getByRole('listitem')
}

export async function openTab(page: Page, name: 'Devices' | 'Sign in another device' | 'Account'): Promise<void> {
  await page.getByRole('tab', { name }).click()
  await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true')
}

/** Adds an account through the identity provider page that opens "in the browser". */
export async function signInWithSso(
  app: { page: Page; nextExternalPage(): Promise<Page> },
  server: string,
  who: string,
): Promise<Page> {
  const { page } = app
  await openAddAccount(page)
  await chooseServer(page, server)
  const browserTab = app.nextExternalPage()
  await page.getByRole('button', { name: /^Continue with / }).first().click()
  const idp = await browserTab
  await idp.getByLabel('Account').selectOption({ label: who })
  await idp.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await backToLatchkey(page)
  return idp
}

/**
 * The person comes back to Latchkey from the browser. (In the browser driver the "browser" is a
 * tab of the same browser: a tab in the background gets no animation frames, which slows every
 * later action there.)
 */
export async function backToLatchkey(page: Page): Promise<void> {
  await page.bringToFront()
}

/**
 * At the server's own account page (OAuth 2.0, MAS), opened for one device: the person signs in
 * there and signs the device out, then comes back to Latchkey, whose window gets focus (what it
 * gets when the person switches back from the browser; a background tab here).
 */
export async function signOutAtTheAccountPage(page: Page, accountPage: Page, username: string, password: string): Promise<void> {
  await accountPage.getByLabel('Username').fill(username)
  await accountPage.getByLabel('Password').fill(password)
  await accountPage.getByRole('button', { name: 'Sign out' }).click()
  await expect(accountPage.getByText(/is signed out/)).toBeVisible()
  await backToLatchkey(page)
  await page.evaluate(() => window.dispatchEvent(new Event('focus')))
}

/**
 * Adds an account through "Continue with <server>": the server's own sign-in page (OAuth 2.0)
 * opens "in the browser", where the person types their name and password.
 */
export async function signInWithOAuth(
  app: { page: Page; nextExternalPage(): Promise<Page> },
  server: string,
  username: string,
  password: string,
): Promise<Page> {
  const { page } = app
  await openAddAccount(page)
  await chooseServer(page, server)
  const browserTab = app.nextExternalPage()
  await dialog(page).getByRole('button', { name: /^Continue with / }).first().click()
  const signInPage = await browserTab
  await atTheServersSignInPage(signInPage, username, password)
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await backToLatchkey(page)
  return signInPage
}

/**
 * At the server's own sign-in page: name (unless it is filled in already), password, Continue. A
 * browser still signed in there is only asked to allow Latchkey: then Continue alone.
 */
export async function atTheServersSignInPage(signInPage: Page, username: string, password: string): Promise<void> {
  await expect(signInPage.getByRole('button', { name: 'Continue' })).toBeVisible()
  const name = signInPage.getByLabel('Username')
  if (await name.isVisible()) {
    if ((await name.inputValue()) === '') await name.fill(username)
    await signInPage.getByLabel('Password').fill(password)
  }
  await signInPage.getByRole('button', { name: 'Continue' }).click()
  await expect(signInPage.getByText(/Signed in to Latchkey as @/)).toBeVisible()
}
