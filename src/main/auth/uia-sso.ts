/**
 * User-Interactive Authentication through the browser, for accounts that have no password: the
 * `m.login.sso` stage is completed on the server's fallback page
 * (`/auth/m.login.sso/fallback/web?session=…`), which tells nobody when it is done, so the request
 * is retried with the session until the server accepts it. The protocol layer's UIA driver stops
 * after two tries of a stage completed elsewhere; a person needs longer than that, hence this loop.
 */
import { SsoError } from '../sso'
import { isMatrixError, isR0Only, type AuthDict, type MatrixClient, type UiaState } from '../matrix'

export interface SsoUiaOptions {
  openExternal: (url: string) => Promise<void>
  /** How often the request is retried while the person is in the browser. Default 2 s. */
  pollIntervalMs?: number
  /** How long the person has. Default 5 minutes. */
  timeoutMs?: number
  signal?: AbortSignal
}

export const SSO_STAGE = 'm.login.sso'

/**
 * Sends `attempt(undefined)`; when the server answers with a UIA challenge that offers
 * `m.login.sso`, opens its fallback page and retries `attempt({ session })` until it succeeds,
 * the time runs out (SsoError 'timeout') or `signal` aborts (SsoError 'cancelled'). A challenge
 * without that stage is thrown as it came (the caller reports which stages the server wants).
 */
export async function withSsoUia<R>(
  client: MatrixClient,
  attempt: (auth: AuthDict | undefined) => Promise<R>,
  options: SsoUiaOptions,
): Promise<R> {
  let state: UiaState
  try {
    return await attempt(undefined)
  } catch (error) {
    if (!isMatrixError(error, 'uia') || error.uia === undefined) throw error
    if (!offersSso(error.uia) || error.uia.session === undefined) throw error
    state = error.uia
  }
  const session = state.session as string
  const r0 = isR0Only(await client.versions())
  const page = `${client.baseUrl}/_matrix/client/${r0 ? 'r0' : 'v3'}/auth/${encodeURIComponent(SSO_STAGE)}/fallback/web?session=${encodeURIComponent(session)}`
  await options.openExternal(page)

  const interval = options.pollIntervalMs ?? 2000
  const deadline = Date.now() + (options.timeoutMs ?? 5 * 60_000)
  for (;;) {
    await sleep(interval, options.signal)
    try {
      return await attempt({ session })
    } catch (error) {
      if (!isMatrixError(error, 'uia') || error.uia === undefined) throw error
      // The stage is not done yet (or the server started over): keep waiting for the person.
      if (error.uia.errcode !== undefined && error.uia.errcode !== 'M_UNAUTHORIZED') throw error
    }
    if (Date.now() >= deadline) {
      throw new SsoError('timeout', `The confirmation in the browser did not finish within ${Math.round((options.timeoutMs ?? 300_000) / 60_000)} minutes; nothing was changed. Try again.`)
    }
  }
}

export function offersSso(state: UiaState): boolean {
  return state.flows.some((flow) => flow.stages.length > 0 && flow.stages.every((stage) => stage === SSO_STAGE))
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new SsoError('cancelled', 'The confirmation in the browser was cancelled.'))
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new SsoError('cancelled', 'The confirmation in the browser was cancelled.'))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
