// User-Interactive Authentication: one driver for every endpoint that needs it (login tokens,
// device deletion). The first request goes without `auth`; each 401 names the flows, the session
// and the stages already completed; we pick a flow we can finish and complete its stages in order.
// `m.login.password` and `m.login.dummy` are built in; any other stage needs a handler from the
// caller (the SSO issue supplies `m.login.sso`, which opens the fallback page in a browser).

import { MatrixError } from './errors'
import type { AuthDict, UiaFlow, UiaState } from './uia-state'

export interface StageContext {
  stage: string
  /** Pass back in the auth dict; absent only if the server gave none. */
  session: string | undefined
  /** `params[stage]` from the server (e.g. the terms to accept). */
  params: Readonly<Record<string, unknown>>
  /** `<base>/_matrix/client/v3/auth/<stage>/fallback/web?session=…`: a web page that completes the stage. */
  fallbackUrl: string | undefined
  /** How many times this stage has been attempted before in this call. */
  attempt: number
  signal?: AbortSignal
}

/**
 * Completes one stage. Return the auth dict to submit (its `type` and fields; the session is added),
 * or nothing when the stage was completed elsewhere (the fallback page), so the request is retried
 * with only the session.
 */
export interface StageHandler {
  (ctx: StageContext): Promise<AuthDict | void>
  /**
   * The handler polls: it returns nothing, again and again, until the server sees the stage done
   * elsewhere (a person in a browser takes minutes). Its repeats are then not capped at two nor
   * counted as rounds; the handler owns the time limit and throws when it runs out.
   */
  readonly polls?: boolean
}

export interface UiaOptions {
  /** For the built-in `m.login.password` stage; a function is called only if that stage is chosen. */
  password?: string | (() => Promise<string>)
  /** The user for the password stage's `m.id.user` identifier; defaults to the session's own user. */
  user?: string
  /** Handlers for other stages, by stage type. */
  stages?: Readonly<Record<string, StageHandler>>
  /** Give up after this many rounds (a misbehaving server could ask forever). Default 10. */
  maxRounds?: number
}

export interface UiaContext {
  endpoint: string
  host: string
  label: string
  fallbackUrl: (stage: string, session: string) => string
  /** The signed-in user, for the password identifier. */
  resolveUser: () => Promise<string>
  signal?: AbortSignal
}

function canComplete(stage: string, options: UiaOptions): boolean {
  if (stage === 'm.login.password') return options.password !== undefined
  if (stage === 'm.login.dummy') return true
  return handlerFor(stage, options) !== undefined
}

/** The caller's handler for a stage the server named: "toString" finds nothing, not Object.prototype's. */
function handlerFor(stage: string, options: UiaOptions): StageHandler | undefined {
  return options.stages && Object.hasOwn(options.stages, stage) ? options.stages[stage] : undefined
}

function remainingStages(flow: UiaFlow, completed: readonly string[]): string[] | null {
  // A flow is still possible only if what is completed is a prefix of it, in order.
  for (let i = 0; i < completed.length; i++) if (flow.stages[i] !== completed[i]) return null
  return flow.stages.slice(completed.length)
}

/** The flow with the fewest remaining stages that we can complete, or null. */
export function chooseFlow(state: UiaState, options: UiaOptions): string[] | null {
  let best: string[] | null = null
  for (const flow of state.flows) {
    const rest = remainingStages(flow, state.completed)
    if (!rest || rest.length === 0) continue
    if (!rest.every((s) => canComplete(s, options))) continue
    if (!best || rest.length < best.length) best = rest
  }
  return best
}

/** Stages that block every flow: what we would need to be able to do. */
function missingStages(state: UiaState, options: UiaOptions): string[] {
  const missing = new Set<string>()
  for (const flow of state.flows) {
    const rest = remainingStages(flow, state.completed) ?? flow.stages
    for (const s of rest) if (!canComplete(s, options)) missing.add(s)
  }
  return [...missing]
}

function uiaError(ctx: UiaContext, state: UiaState | undefined, message: string, extra: { stage?: string; errcode?: string; error?: string } = {}, secrets: (string | undefined)[] = []): MatrixError {
  return new MatrixError({
    kind: 'uia',
    endpoint: ctx.endpoint,
    host: ctx.host,
    status: 401,
    message,
    ...(state ? { uia: state } : {}),
    ...extra,
    secrets,
  })
}

function isUia(e: unknown): e is MatrixError & { uia: UiaState } {
  return e instanceof MatrixError && e.kind === 'uia' && e.uia !== undefined
}

export async function runUia<R>(request: (auth: AuthDict | undefined) => Promise<R>, options: UiaOptions, ctx: UiaContext): Promise<R> {
  const maxRounds = options.maxRounds ?? 10
  let auth: AuthDict | undefined
  let submitted: string | undefined
  let password: string | undefined
  const attempts = new Map<string, number>()

  for (let round = 0; round < maxRounds; ) {
    let state: UiaState
    try {
      return await request(auth)
    } catch (e) {
      if (!isUia(e)) throw e
      state = e.uia
    }

    if (submitted && state.errcode && !state.completed.includes(submitted)) {
      if (submitted === 'm.login.password' && state.errcode === 'M_FORBIDDEN') {
        throw uiaError(ctx, state, `${ctx.host} refused the password.`, { stage: submitted, errcode: state.errcode, ...(state.error ? { error: state.error } : {}) }, [password])
      }
      const why = state.error ? `: ${state.error.replace(/[.\s]+$/, '')}` : ''
      throw uiaError(ctx, state, `${ctx.host} did not accept the ${submitted} step${why} (${state.errcode}).`, { stage: submitted, errcode: state.errcode }, [password])
    }

    const flow = chooseFlow(state, options)
    if (!flow) {
      const missing = missingStages(state, options)
      if (missing.length === 1 && missing[0] === 'm.login.password') {
        throw uiaError(ctx, state, `${ctx.host} asks for your password before ${ctx.label}.`, { stage: 'm.login.password' })
      }
      const list = missing.length > 0 ? missing.join(', ') : 'none offered'
      const stage = missing[0]
      throw uiaError(ctx, state, `${ctx.host} asks for a confirmation step Latchkey cannot complete here (${list}).`, stage ? { stage } : {})
    }

    const stage = flow[0] as string
    const attempt = attempts.get(stage) ?? 0
    const polling = handlerFor(stage, options)?.polls === true
    // A stage completed elsewhere that the server still lists as open: try its handler once more, then stop.
    if (attempt >= 2 && !polling) {
      throw uiaError(ctx, state, `The ${stage} step for ${ctx.label} on ${ctx.host} was not completed.`, { stage })
    }
    attempts.set(stage, attempt + 1)
    // A poll waits for the person, not for another step the server asks for.
    if (!(polling && attempt > 0)) round++
    submitted = stage
    const session = state.session
    const withSession = (dict: AuthDict): AuthDict => (session === undefined ? dict : { ...dict, session })

    if (stage === 'm.login.password') {
      password ??= typeof options.password === 'function' ? await options.password() : options.password
      const user = options.user ?? (await ctx.resolveUser())
      auth = withSession({ type: stage, identifier: { type: 'm.id.user', user }, password })
    } else if (stage === 'm.login.dummy') {
      auth = withSession({ type: stage })
    } else {
      const handler = handlerFor(stage, options)
      if (!handler) throw uiaError(ctx, state, `No handler for the ${stage} step.`, { stage })
      const result = await handler({
        stage,
        session,
        params: (Object.hasOwn(state.params, stage) ? state.params[stage] : undefined) ?? {},
        fallbackUrl: session === undefined ? undefined : ctx.fallbackUrl(stage, session),
        attempt,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      })
      auth = withSession(result ? { ...result, type: result.type ?? stage } : {})
    }
  }
  throw uiaError(ctx, undefined, `${ctx.host} kept asking for more confirmation steps for ${ctx.label}; Latchkey stopped after ${maxRounds}.`)
}
