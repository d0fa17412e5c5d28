/**
 * The `m.login.sso` stage of User-Interactive Authentication, for the protocol layer's driver
 * (matrix/uia.ts): accounts without a password confirm device deletion and login-token requests
 * on the homeserver's fallback page (`/auth/m.login.sso/fallback/web?session=…`) in the browser.
 *
 * That page tells the app nothing when it is done, so the handler waits — for the person to say
 * so (`confirm`), or a poll interval — and returns nothing: the driver then retries the request
 * with only the session, which either succeeds (the call is complete) or answers the same 401,
 * and the handler is asked again. It is marked `polls`, so the driver neither caps these repeats
 * nor counts them as rounds; the time limit is the handler's.
 *
 *   client.deleteDevice(id, { stages: ssoUiaStages({ openExternal, confirm }) })
 */
import { MatrixError, type StageContext, type StageHandler } from '../matrix'
import { SsoError } from './errors'
import { duration } from './duration'

export const SSO_UIA_STAGE = 'm.login.sso'
export const DEFAULT_POLL_INTERVAL_MS = 2_000
export const DEFAULT_UIA_TIMEOUT_MS = 5 * 60_000

export interface ConfirmRequest {
  /** 0 the first time; more when the server had not seen the confirmation after the person said done. */
  attempt: number
  /** The fallback page that was opened, for a "open it again" link. */
  fallbackUrl: string
}

export interface SsoUiaStageOptions {
  /** Opens the fallback page in the system browser. What it throws ends the call. */
  openExternal: (url: string) => Promise<void>
  /**
   * Resolves when the person says they are done in the browser. Called again (with a higher
   * `attempt`) if the server has not seen the confirmation by then. Without it, the handler polls.
   */
  confirm?: (request: ConfirmRequest) => Promise<void>
  /**
   * How often to retry the request while the person is in the browser. Default 2 s without
   * `confirm`; with `confirm`, polling happens only when this is given (whichever comes first).
   */
  pollIntervalMs?: number
  /** How long the person has, from the page being opened. Default 5 minutes. */
  timeoutMs?: number
  /** Aborting it ends the wait with SsoError `cancelled` (the call's own signal does too). */
  signal?: AbortSignal
}

/**
 * A handler for `m.login.sso`. Rejects with SsoError `timeout` or `cancelled`, with what
 * `openExternal` or `confirm` threw, or with a TypeError when wired to another stage.
 * Make one per call: it remembers the session it is waiting on. With polling, the call may finish
 * while `confirm` is still pending: dismiss the prompt when the call settles.
 */
export function ssoUiaStage(options: SsoUiaStageOptions): StageHandler {
  const timeoutMs = options.timeoutMs ?? DEFAULT_UIA_TIMEOUT_MS
  const pollIntervalMs = options.pollIntervalMs ?? (options.confirm ? undefined : DEFAULT_POLL_INTERVAL_MS)
  checkDelay('timeoutMs', timeoutMs)
  if (pollIntervalMs !== undefined) checkDelay('pollIntervalMs', pollIntervalMs)

  // One wait per UIA session: its deadline, and the person's pending "done" (if any).
  let current: { session: string; fallbackUrl: string; deadline: number; confirming?: Promise<'confirmed'> } | undefined

  const handler = async (ctx: StageContext): Promise<void> => {
    if (ctx.stage !== SSO_UIA_STAGE) {
      throw new TypeError(`The single sign-on handler cannot complete the ${ctx.stage} step; it completes only ${SSO_UIA_STAGE}.`)
    }
    const signals = [options.signal, ctx.signal].filter((s): s is AbortSignal => s !== undefined)
    if (signals.some((s) => s.aborted)) throw cancelledError()
    if (ctx.session === undefined || ctx.fallbackUrl === undefined) {
      throw new MatrixError({
        kind: 'malformed',
        endpoint: 'uia',
        host: '',
        message: 'The server asked for a confirmation in the browser but named no session to confirm, so there is no page to open.',
      })
    }

    if (current?.session !== ctx.session || ctx.attempt === 0) {
      current = { session: ctx.session, fallbackUrl: ctx.fallbackUrl, deadline: Date.now() + timeoutMs }
      await options.openExternal(ctx.fallbackUrl)
    }
    const wait = current
    const left = wait.deadline - Date.now()
    if (left <= 0) throw timeoutError(timeoutMs)

    if (options.confirm) {
      // A "done" still pending from the last round is kept; one already given is asked again.
      wait.confirming ??= options.confirm({ attempt: ctx.attempt, fallbackUrl: wait.fallbackUrl }).then(() => 'confirmed' as const)
    }
    const outcome = await waitFor({ confirmed: wait.confirming, pollMs: pollIntervalMs, timeoutMs: left, signals })
    if (outcome === 'timeout') throw timeoutError(timeoutMs)
    if (outcome === 'confirmed') wait.confirming = undefined
  }
  return Object.assign(handler, { polls: true as const })
}

/** `{ 'm.login.sso': ssoUiaStage(options) }`, for UiaOptions.stages. */
export function ssoUiaStages(options: SsoUiaStageOptions): Record<string, StageHandler> {
  return { [SSO_UIA_STAGE]: ssoUiaStage(options) }
}

/**
 * Whichever comes first: the person's "done", the next poll, or the deadline (a poll due after
 * the deadline is the deadline). Rejects on abort, or with what `confirm` threw. Leaves no timer.
 */
function waitFor(w: { confirmed: Promise<'confirmed'> | undefined; pollMs: number | undefined; timeoutMs: number; signals: AbortSignal[] }): Promise<'confirmed' | 'poll' | 'timeout'> {
  return new Promise((resolve, reject) => {
    let done = false
    const poll = w.pollMs !== undefined && w.pollMs < w.timeoutMs
    const timer = setTimeout(() => settle(() => resolve(poll ? 'poll' : 'timeout')), poll ? w.pollMs : w.timeoutMs)
    const onAbort = (): void => settle(() => reject(cancelledError()))
    for (const s of w.signals) s.addEventListener('abort', onAbort, { once: true })
    function settle(then: () => void): void {
      if (done) return
      done = true
      clearTimeout(timer)
      for (const s of w.signals) s.removeEventListener('abort', onAbort)
      then()
    }
    w.confirmed?.then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error)),
    )
  })
}

function checkDelay(name: string, ms: number): void {
  if (!Number.isFinite(ms) || ms <= 0 || ms > 2_147_483_647) {
    throw new TypeError(`${name} must be a positive number of milliseconds up to 2^31-1`)
  }
}

function cancelledError(): SsoError {
  return new SsoError('cancelled', 'The confirmation in the browser was cancelled; nothing was changed.')
}

function timeoutError(ms: number): SsoError {
  return new SsoError('timeout', `The confirmation in the browser did not finish within ${duration(ms)}; nothing was changed. Try again.`)
}
