/**
 * The account list straight from accounts.json, for the commands that only read or relabel it
 * (`accounts`, `switch`, `relabel`, the question `forget` asks): no SessionService, so no network
 * stack and no keychain. The answers are the contract's objects, exactly as the service gives them.
 *
 * Where tokens are kept (`storage`) is told without opening the keychain: 'memory' under the test
 * switch or when keytar is not installed, else 'keychain'. A keychain that is installed but does
 * not answer is found (and said) by the commands that use a token.
 */
import { createRequire } from 'node:module'
import { relabelAccount, setActiveAccount } from '../main/accounts/operations'
import { dataDir } from '../main/accounts/paths'
import { AccountRegistry } from '../main/accounts/registry'
import type { RegistrySnapshot } from '../main/accounts/schema'
import { KEYTAR_NOT_INSTALLED, memoryOnlyNotice } from '../main/accounts/store-notice'
import { toAccount, toSnapshot } from '../main/service/accounts-view'
import { toContractError } from '../main/service/errors'
import type { Account, AccountsSnapshot } from '../shared/contract'

export interface AccountFile {
  list(): Promise<AccountsSnapshot>
  setActive(accountId: string): Promise<AccountsSnapshot>
  relabel(args: { accountId: string; label?: string; color?: string }): Promise<Account>
}

export interface StorageGuess {
  kind: 'keychain' | 'memory'
  notice?: string
}

/** Where tokens would be kept, without loading keytar: is it installed at all? */
export function guessStorage(memorySwitch: boolean): StorageGuess {
  if (memorySwitch) return { kind: 'memory' }
  try {
    createRequire(import.meta.url).resolve('keytar')
    return { kind: 'keychain' }
  } catch {
    return { kind: 'memory', notice: memoryOnlyNotice(KEYTAR_NOT_INSTALLED) }
  }
}

export function openAccountFile(env: NodeJS.ProcessEnv, storage: StorageGuess): AccountFile {
  const registry = new AccountRegistry({ dir: dataDir(env) })
  const view = (snapshot: RegistrySnapshot): AccountsSnapshot => {
    const notice = [storage.notice, registry.lastCorruption?.message].filter(Boolean).join(' ')
    return toSnapshot(snapshot, storage, notice || undefined)
  }
  const guarded = async <T>(task: () => Promise<T>): Promise<T> => {
    try {
      return await task()
    } catch (error) {
      throw toContractError(error)
    }
  }
  return {
    list: () => guarded(async () => view(await registry.read())),
    setActive: (accountId) =>
      guarded(async () => view((await registry.update((draft) => setActiveAccount(draft, accountId))).snapshot)),
    relabel: ({ accountId, label, color }) =>
      guarded(async () => {
        const { result } = await registry.update((draft) =>
          relabelAccount(draft, accountId, { ...(label === undefined ? {} : { label }), ...(color === undefined ? {} : { color }) }),
        )
        return toAccount(result)
      }),
  }
}
