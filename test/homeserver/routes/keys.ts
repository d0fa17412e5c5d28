import { authOf, type RequestContext, type Route } from '../context'
import { fail, matrixError, ok, type Reply } from '../reply'

// What Latchkey reads about devices beyond /devices (spec: "End-to-end encryption" key download,
// "Client config" account data, and a /sync filtered to account data). Keys are whatever the
// tests uploaded (real ed25519 signatures, see ../cross-signing.ts); the server never signs
// anything itself, as a real one does not.

function keysQuery(ctx: RequestContext): Reply {
  const wanted = ctx.body['device_keys']
  if (wanted === undefined) return matrixError(400, 'M_MISSING_PARAM', '"device_keys" is required.')
  if (typeof wanted !== 'object' || wanted === null || Array.isArray(wanted)) return matrixError(400, 'M_BAD_JSON', '"device_keys" must be an object.')
  const { user: requester } = authOf(ctx)
  const deviceKeys: Record<string, Record<string, unknown>> = {}
  const masterKeys: Record<string, unknown> = {}
  const selfSigningKeys: Record<string, unknown> = {}
  const userSigningKeys: Record<string, unknown> = {}
  for (const [userId, ids] of Object.entries(wanted as Record<string, unknown>)) {
    if (!Array.isArray(ids)) return matrixError(400, 'M_BAD_JSON', 'Each user maps to a list of device ids.')
    const user = ctx.hs.state.findUser(userId)
    if (!user) continue
    const mine: Record<string, unknown> = {}
    for (const device of user.devices.values()) {
      if (!device.keys || (ids.length > 0 && !ids.includes(device.deviceId))) continue
      mine[device.deviceId] = device.displayName === undefined ? device.keys : { ...device.keys, unsigned: { device_display_name: device.displayName } }
    }
    deviceKeys[userId] = mine
    if (user.crossSigning?.master) masterKeys[userId] = user.crossSigning.master
    if (user.crossSigning?.selfSigning) selfSigningKeys[userId] = user.crossSigning.selfSigning
    // The user-signing key goes only to its owner.
    if (user.crossSigning?.userSigning && user === requester) userSigningKeys[userId] = user.crossSigning.userSigning
  }
  const answer = { failures: {}, device_keys: deviceKeys, master_keys: masterKeys, self_signing_keys: selfSigningKeys, user_signing_keys: userSigningKeys }
  const rewrite = ctx.hs.config.rewriteKeysQuery
  return rewrite ? { kind: 'json', status: 200, body: rewrite(answer), rewritten: true } : ok(answer)
}

/** Filter `types` entries: `*` matches any run of characters (spec: EventFilter). */
function typeMatches(patterns: unknown, type: string): boolean {
  if (!Array.isArray(patterns)) return true
  return patterns.some((p) => typeof p === 'string' && new RegExp(`^${p.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(type))
}

/**
 * Only what Latchkey asks of /sync: an inline filter's global account data, at once. No rooms,
 * presence or to-device messages exist here, so the answer has none; `timeout` is never waited.
 */
function sync(ctx: RequestContext): Reply {
  const { user } = authOf(ctx)
  const filterText = ctx.query.get('filter')
  let filter: Record<string, unknown> = {}
  if (filterText !== null) {
    if (!filterText.trim().startsWith('{')) fail(400, 'M_INVALID_PARAM', 'The test homeserver only takes inline filters.')
    try {
      filter = JSON.parse(filterText) as Record<string, unknown>
    } catch {
      fail(400, 'M_NOT_JSON', 'The filter is not JSON.')
    }
  }
  const accountDataFilter = (filter['account_data'] ?? {}) as Record<string, unknown>
  const events = [...user.accountData.entries()]
    .filter(([type]) => typeMatches(accountDataFilter['types'], type))
    .map(([type, content]) => ({ type, content }))
  return ok({ next_batch: `s${Date.now()}`, account_data: { events } })
}

function setAccountData(ctx: RequestContext): Reply {
  const { user } = authOf(ctx)
  if (ctx.hs.state.findUser(ctx.params['userId'] ?? '') !== user) fail(403, 'M_FORBIDDEN', 'Cannot add account data for other users.')
  const type = ctx.params['type'] ?? ''
  if (type === 'm.fully_read' || type === 'm.push_rules') fail(405, 'M_BAD_JSON', 'This type of account data is managed by the server.')
  user.accountData.set(type, ctx.body)
  return ok({})
}

export const keyRoutes: Route[] = [
  { endpoint: 'keysQuery', method: 'POST', space: 'client', path: '/keys/query', auth: 'required', body: 'json', handle: keysQuery },
  { endpoint: 'sync', method: 'GET', space: 'client', path: '/sync', auth: 'required', body: 'none', handle: sync },
  { endpoint: 'setAccountData', method: 'PUT', space: 'client', path: '/user/:userId/account_data/:type', auth: 'required', body: 'json', handle: setAccountData },
]
