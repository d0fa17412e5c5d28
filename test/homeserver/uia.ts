import { authOf, type RequestContext } from './context'
import { fail, json, MatrixReply } from './reply'
import { randomId, type UiaSession, type User } from './state'

// User-Interactive Authentication (spec: client-server-api "User-interactive authentication API").
// A password account is offered [m.login.password]; an SSO-only account [m.login.sso], which is
// completed out of band through /auth/m.login.sso/fallback/web (see routes/sso.ts).

export function flowsFor(user: User): Array<{ stages: string[] }> {
  return [{ stages: [user.password === undefined ? 'm.login.sso' : 'm.login.password'] }]
}

function isComplete(user: User, session: UiaSession): boolean {
  return flowsFor(user).some((flow) => flow.stages.every((stage) => session.completed.has(stage)))
}

function challenge(user: User, session: UiaSession, error?: { errcode: string; error: string }): MatrixReply {
  return new MatrixReply(
    json(401, {
      ...(error ?? {}),
      flows: flowsFor(user),
      params: {},
      session: session.id,
      ...(session.completed.size > 0 ? { completed: [...session.completed] } : {}),
    }),
  )
}

/**
 * Returns when the request carries a completed UIA session for `operation`; otherwise throws the
 * 401 (or 400/403) the spec prescribes. A completed session is spent: the next call starts over.
 */
export function requireUia(ctx: RequestContext, operation: string): void {
  const { user } = authOf(ctx)
  const sessions = ctx.hs.state.uiaSessions
  const auth = ctx.body['auth']
  const newSession = (): UiaSession => {
    const session: UiaSession = { id: randomId(12), localpart: user.localpart, operation, completed: new Set() }
    sessions.set(session.id, session)
    return session
  }
  if (auth === undefined || auth === null) throw challenge(user, newSession())
  if (typeof auth !== 'object' || Array.isArray(auth)) fail(400, 'M_BAD_JSON', '"auth" must be an object.')
  const data = auth as Record<string, unknown>
  if (data['session'] !== undefined && typeof data['session'] !== 'string') fail(400, 'M_BAD_JSON', '"auth.session" must be a string.')
  if (data['type'] !== undefined && typeof data['type'] !== 'string') fail(400, 'M_BAD_JSON', '"auth.type" must be a string.')

  let session: UiaSession
  if (typeof data['session'] === 'string') {
    const found = sessions.get(data['session'])
    if (!found || found.localpart !== user.localpart) fail(400, 'M_UNKNOWN', 'Unknown authentication session.')
    if (found.operation !== operation) fail(403, 'M_FORBIDDEN', 'The request changed during the authentication session.')
    session = found
  } else {
    session = newSession()
  }

  const type = data['type'] as string | undefined
  if (type !== undefined) {
    const offered = flowsFor(user).some((flow) => flow.stages.includes(type))
    if (type === 'm.login.password' && offered) {
      if (!passwordStageMatches(ctx, user, data)) {
        throw challenge(user, session, { errcode: 'M_FORBIDDEN', error: 'Invalid username or password.' })
      }
      session.completed.add(type)
    } else if (type === 'm.login.sso' && offered) {
      // Completed only by the fallback page; a retry before that just shows the state again.
    } else if (offered) {
      session.completed.add(type)
    } else {
      fail(400, 'M_UNRECOGNIZED', `This server does not offer the authentication stage "${type}" here.`)
    }
  }

  if (!isComplete(user, session)) throw challenge(user, session)
  sessions.delete(session.id)
}

function passwordStageMatches(ctx: RequestContext, user: User, data: Record<string, unknown>): boolean {
  const identifier = data['identifier']
  let claimed: User | undefined = user
  if (identifier && typeof identifier === 'object') {
    const id = identifier as Record<string, unknown>
    if (id['type'] === 'm.id.user' && typeof id['user'] === 'string') claimed = ctx.hs.state.findUser(id['user'])
    else if (id['type'] === 'm.id.thirdparty' && id['medium'] === 'email' && typeof id['address'] === 'string') {
      claimed = ctx.hs.state.findUserByEmail(id['address'])
    } else claimed = undefined
  } else if (typeof data['user'] === 'string') {
    claimed = ctx.hs.state.findUser(data['user'])
  }
  return claimed === user && typeof data['password'] === 'string' && data['password'] === user.password
}

/** What the SSO fallback page calls when the person presses Continue. */
export function completeStage(sessions: Map<string, UiaSession>, sessionId: string, stage: string): boolean {
  const session = sessions.get(sessionId)
  if (!session) return false
  session.completed.add(stage)
  return true
}
