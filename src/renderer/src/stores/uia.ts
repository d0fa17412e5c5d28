import { ContractError } from '../../../shared/errors'
import type { UiaAuth } from '../../../shared/contract'
import { hasCode } from '../lib/errors'
import { usePrompts } from './prompts'

export interface UiaContext {
  title: string
  reason: string
  userId: string
  /** Where the password goes (the account's homeserver host). */
  host?: string
}

/**
 * Runs a call that may need User-Interactive Authentication: first without auth; when the server
 * answers 'auth-required', asks the person once (password or SSO, as the server offers) and
 * retries with the answer. A refused password asks again, with the refusal beside the field.
 */
export async function withUia<T>(context: UiaContext, call: (auth?: UiaAuth) => Promise<T>): Promise<T> {
  const prompts = usePrompts()
  try {
    return await call()
  } catch (error) {
    if (!hasCode(error, 'auth-required')) throw error
    let stages = error.authStages ?? ['m.login.password']
    let failure: string | undefined
    for (;;) {
      const auth = await prompts.askAuth({ ...context, stages, ...(failure ? { error: failure } : {}) })
      if (!auth) throw new ContractError({ code: 'cancelled', message: 'You cancelled.' })
      try {
        return await call(auth)
      } catch (retryError) {
        if (hasCode(retryError, 'wrong-credentials')) {
          failure = retryError.message
          continue
        }
        if (hasCode(retryError, 'auth-required')) {
          stages = retryError.authStages ?? stages
          failure = retryError.message
          continue
        }
        throw retryError
      }
    }
  }
}
