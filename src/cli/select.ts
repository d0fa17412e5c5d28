/** `--account`: an account id, a user id or a label; without it, the active account. */
import type { Account, AccountsSnapshot } from '../shared/contract'
import { CliError } from './cli-error'

export function selectAccount(snapshot: AccountsSnapshot, ref: string | undefined): Account {
  const { accounts, activeId } = snapshot
  if (accounts.length === 0) {
    throw new CliError('notFound', 'There are no accounts yet; add one with latchkey add <server> <user>.')
  }
  if (ref === undefined || ref.trim() === '') {
    const active = accounts.find((a) => a.id === activeId)
    if (active) return active
    if (accounts.length === 1 && accounts[0]) return accounts[0]
    throw new CliError('usage', 'No account is active; choose one with --account <id, user id or label>.')
  }
  const wanted = ref.trim()
  const byId = accounts.find((a) => a.id === wanted)
  if (byId) return byId
  for (const matches of [
    accounts.filter((a) => a.userId === wanted),
    accounts.filter((a) => a.label !== undefined && a.label.toLowerCase() === wanted.toLowerCase()),
  ]) {
    if (matches.length === 1 && matches[0]) return matches[0]
    if (matches.length > 1) {
      throw new CliError(
        'usage',
        `"${wanted}" matches ${matches.length} accounts; choose one by its id: ${matches.map((a) => a.id).join(', ')}.`,
      )
    }
  }
  throw new CliError('notFound', `No account matches "${wanted}"; see latchkey accounts.`)
}
