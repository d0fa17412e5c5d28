/**
 * generateLoginToken: a short-lived, single-use token for signing in another device, made by
 * this account's session (POST /login/get_token, behind User-Interactive Authentication). The
 * token is the one secret that leaves the service on purpose: it is there to be shown.
 */
import { hostOf, isMatrixError, type MatrixClient } from '../matrix'
import type { AccountRecord } from '../accounts'
import type { CallArgs, LoginToken } from '../../shared/contract'
import { ContractError } from '../../shared/errors'
import { browserConfirmation, recordOf, type ServiceContext } from './context'
import { mapErrors } from './errors'
import { encodeLoginPayload } from './login-payload'

const ACTION = 'making another login token'

export async function generateLoginToken(ctx: ServiceContext, args: CallArgs<'generateLoginToken'>): Promise<LoginToken> {
  const record = await recordOf(ctx, args.accountId)
  const client = await ctx.pool.client(record)
  await refuseWhenOff(client, record)
  const context = { action: ACTION, server: record.serverName, passwordHost: hostOf(record.homeserverUrl) }
  const made = await mapErrors(async () => {
    try {
      const uia =
        args.auth?.type === 'sso'
          ? { stages: browserConfirmation(ctx) }
          : args.auth?.type === 'password'
            ? { password: args.auth.password }
            : {}
      return await client.getLoginToken(uia)
    } catch (error) {
      if (isMatrixError(error, 'unsupported') || (isMatrixError(error, 'http') && error.errcode === 'M_UNRECOGNIZED')) {
        throw unsupported(record, 'it has no way to make them')
      }
      throw error
    }
  }, context)
  return {
    token: made.loginToken,
    expiresAt: made.expiresAt,
    payload: encodeLoginPayload({ homeserverUrl: record.homeserverUrl, token: made.loginToken, userId: record.userId }),
  }
}

/**
 * The spec's m.get_login_token capability says whether to offer this at all ("when not listed,
 * clients SHOULD assume the user is unable"); asked before any UIA, so nobody types a password for
 * nothing. Servers from before v1.7 advertise the unstable feature org.matrix.msc3882 instead.
 */
async function refuseWhenOff(client: MatrixClient, record: AccountRecord): Promise<void> {
  let capabilities: { getLoginToken: boolean; raw: Record<string, unknown> }
  try {
    capabilities = await client.capabilities()
  } catch {
    return // Unknown: let the request itself tell.
  }
  if (capabilities.getLoginToken) return
  if (capabilities.raw['m.get_login_token'] === undefined) {
    const versions = await client.versions().catch(() => null)
    if (versions?.unstableFeatures['org.matrix.msc3882'] === true) return
  }
  throw unsupported(record, 'its administrator has turned this off')
}

function unsupported(record: AccountRecord, why: string): ContractError {
  return new ContractError({
    code: 'unsupported',
    message: `${record.serverName} does not let a signed-in session make login tokens for other devices (${why}).`,
  })
}
