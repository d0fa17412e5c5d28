import { defineStore } from 'pinia'
import { shallowRef } from 'vue'
import type { UiaAuth } from '../../../shared/contract'

export interface ConfirmRequest {
  kind: 'confirm'
  title: string
  /** Sentences saying exactly what will happen. */
  body: string[]
  confirmLabel: string
  danger?: boolean
  resolve: (confirmed: boolean) => void
}

export interface AuthRequest {
  kind: 'auth'
  title: string
  /** Why the server asks, e.g. "To sign out 2 devices, confirm it is you." */
  reason: string
  userId: string
  /** Where a password typed here is sent (the account's homeserver host), named beside the field. */
  host?: string
  /** The UIA stages the server accepts (m.login.password, m.login.sso). */
  stages: string[]
  /** A sentence from a failed attempt, shown next to the password field. */
  error?: string
  /** The password form's button; "Confirm" unless said otherwise. */
  submitLabel?: string
  resolve: (auth: UiaAuth | null) => void
}

export type PromptRequest = ConfirmRequest | AuthRequest

type Without<T> = Omit<T, 'kind' | 'resolve'>

/**
 * Confirmations and password prompts as promises: an action awaits the person's answer, one
 * dialog at a time, shown by PromptHost.
 */
export const usePrompts = defineStore('prompts', () => {
  const current = shallowRef<PromptRequest | null>(null)
  const queue: PromptRequest[] = []

  function show(request: PromptRequest): void {
    if (current.value) queue.push(request)
    else current.value = request
  }

  function settle(): void {
    current.value = queue.shift() ?? null
  }

  function confirm(request: Without<ConfirmRequest>): Promise<boolean> {
    return new Promise((resolve) => {
      show({
        ...request,
        kind: 'confirm',
        resolve: (ok) => {
          settle()
          resolve(ok)
        },
      })
    })
  }

  function askAuth(request: Without<AuthRequest>): Promise<UiaAuth | null> {
    return new Promise((resolve) => {
      show({
        ...request,
        kind: 'auth',
        resolve: (auth) => {
          settle()
          resolve(auth)
        },
      })
    })
  }

  return { current, confirm, askAuth }
})
