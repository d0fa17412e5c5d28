import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { LoginToken } from '../../../shared/contract'
import { api } from '../api'
import { detailOf, hasCode, sentence } from '../lib/errors'
import { hostOfUrl } from '../lib/host'
import { useNotices } from './notices'
import { withUia } from './uia'

/** Why the last "make a new token" did not give one; the token before it still stands. */
export interface Refusal {
  message: string
  /** When the server asked to wait: the time it may be asked again. */
  retryAt?: number
}

/** What the token panel shows for one account. */
export type TokenState =
  | { kind: 'none' }
  | { kind: 'ready'; token: LoginToken; refusal?: Refusal }
  /** The server does not let sessions make login tokens: one sentence why. */
  | { kind: 'unsupported'; message: string }
  /** The server asked to wait; the panel counts down instead of spinning. */
  | { kind: 'rate-limited'; message: string; retryAt: number }
  | { kind: 'failed'; message: string; detail?: string | undefined }

/** Login tokens for signing in another device, one per account, with their expiry. */
export const useLoginToken = defineStore('loginToken', () => {
  const notices = useNotices()
  const states = ref<Record<string, TokenState>>({})
  const busy = ref<Record<string, boolean>>({})

  function stateOf(accountId: string): TokenState {
    return states.value[accountId] ?? { kind: 'none' }
  }

  function set(accountId: string, state: TokenState): void {
    states.value = { ...states.value, [accountId]: state }
  }

  async function generate(accountId: string, userId: string, homeserverUrl?: string): Promise<void> {
    busy.value = { ...busy.value, [accountId]: true }
    try {
      const token = await notices.track(
        'Making a login token…',
        () =>
          withUia(
            {
              title: 'Confirm it is you',
              reason: 'To make a login token for another device, confirm it is you.',
              userId,
              ...(homeserverUrl === undefined ? {} : { host: hostOfUrl(homeserverUrl) }),
            },
            (auth) => api().generateLoginToken(auth ? { accountId, auth } : { accountId }),
          ),
        { quiet: true },
      )
      set(accountId, { kind: 'ready', token })
    } catch (error) {
      if (hasCode(error, 'cancelled')) return
      // A token that still works is not thrown away because its successor was refused.
      const before = stateOf(accountId)
      if (before.kind === 'ready' && before.token.expiresAt > Date.now()) {
        const refusal: Refusal = { message: sentence(error) }
        if (hasCode(error, 'rate-limited')) refusal.retryAt = Date.now() + (error.retryAfterMs ?? 0)
        set(accountId, { kind: 'ready', token: before.token, refusal })
        return
      }
      if (hasCode(error, 'unsupported')) set(accountId, { kind: 'unsupported', message: error.message })
      else if (hasCode(error, 'rate-limited')) {
        set(accountId, { kind: 'rate-limited', message: error.message, retryAt: Date.now() + (error.retryAfterMs ?? 0) })
      } else set(accountId, { kind: 'failed', message: sentence(error), detail: detailOf(error) })
    } finally {
      busy.value = { ...busy.value, [accountId]: false }
    }
  }

  function clear(accountId: string): void {
    set(accountId, { kind: 'none' })
  }

  return { states, busy, stateOf, generate, clear }
})
