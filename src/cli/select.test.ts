import { describe, expect, it } from 'vitest'
import type { Account, AccountsSnapshot } from '../shared/contract'
import { CliError } from './cli-error'
import { EXIT } from './exit-codes'
import { selectAccount } from './select'

let n = 0
function account(over: Partial<Account> = {}): Account {
  n++
  return {
    id: `acc_${String(n).padStart(16, '0')}`,
    userId: `@user${n}:example.org`,
    homeserverUrl: 'https://matrix.example.org',
    serverName: 'example.org',
    deviceId: `DEV${n}`,
    authApi: 'legacy',
    order: n,
    addedAt: new Date(0).toISOString(),
    status: 'active',
    ...over,
  }
}
const snapshot = (accounts: Account[], activeId: string | null = accounts[0]?.id ?? null): AccountsSnapshot => ({
  accounts,
  activeId,
  storage: 'keychain',
})

function failure(fn: () => unknown): CliError {
  try {
    fn()
  } catch (error) {
    if (error instanceof CliError) return error
    throw error
  }
  throw new Error('expected a CliError')
}

describe('--account', () => {
  it('defaults to the active account', () => {
    const [a, b] = [account(), account()]
    expect(selectAccount(snapshot([a!, b!], b!.id), undefined)).toBe(b)
  })

  it('finds an account by id, by user id and by label (any case)', () => {
    const a = account({ label: 'Work' })
    const b = account()
    const s = snapshot([a, b])
    expect(selectAccount(s, b.id)).toBe(b)
    expect(selectAccount(s, b.userId)).toBe(b)
    expect(selectAccount(s, 'work')).toBe(a)
  })

  it('asks for the id when a user id names two devices of the same user', () => {
    const a = account({ userId: '@twin:example.org' })
    const b = account({ userId: '@twin:example.org' })
    const error = failure(() => selectAccount(snapshot([a, b]), '@twin:example.org'))
    expect(error.exitCode).toBe(EXIT.usage)
    expect(error.message).toContain(a.id)
    expect(error.message).toContain(b.id)
  })

  it('says no account matches, with the not-found exit code', () => {
    expect(failure(() => selectAccount(snapshot([account()]), 'nobody')).exitCode).toBe(EXIT.notFound)
  })

  it('says how to add an account when there is none', () => {
    expect(failure(() => selectAccount(snapshot([]), undefined)).message).toMatch(/latchkey add/)
  })
})
