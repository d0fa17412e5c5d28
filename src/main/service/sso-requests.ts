/**
 * SSO sign-ins in progress: beginSso opens the browser and answers at once; completeSso waits for
 * the redirect and signs in; cancelSso (or close) stops the wait. Each request owns one loopback
 * listener, which always closes.
 */
import { randomBytes } from 'node:crypto'
import { signInWithLoginToken, startSso, type PendingSso } from '../auth'
import type { Account, CallArgs } from '../../shared/contract'
import { ContractError } from '../../shared/errors'
import { freshClient, recordOf, type ServiceContext } from './context'
import { mapErrors, toContractError } from './errors'
import { addSession, discoverServer, replaceSession, versionsOf } from './sign-in'
import type { ServerVersions } from '../matrix'

interface SsoRequest {
  pending: PendingSso
  baseUrl: string
  serverName: string
  versions: ServerVersions
  /** Re-login: the account whose device id is kept. */
  accountId?: string
  deviceId?: string
  completion?: Promise<Account>
}

export class SsoRequests {
  readonly #requests = new Map<string, SsoRequest>()

  constructor(private readonly ctx: ServiceContext) {}

  async begin(args: CallArgs<'beginSso'>): Promise<{ requestId: string; url: string }> {
    const { ctx } = this
    const record = args.accountId === undefined ? undefined : await recordOf(ctx, args.accountId)
    const found = await discoverServer(ctx, record ? record.homeserverUrl : args.server)
    if (found.legacyApi && !found.sso) {
      throw new ContractError({ code: 'unsupported', message: `${found.serverName} does not offer single sign-on.` })
    }
    if (args.idpId !== undefined && found.identityProviders.length > 0 && !found.identityProviders.some((p) => p.id === args.idpId)) {
      throw new ContractError({
        code: 'invalid-argument',
        message: `${found.serverName} has no identity provider "${args.idpId}"; it offers ${found.identityProviders.map((p) => p.name).join(', ')}.`,
      })
    }
    const pending = await mapErrors(() =>
      startSso({
        baseUrl: found.baseUrl,
        r0Only: found.r0Only,
        timeoutMs: ctx.tuning.ssoTimeoutMs,
        ...(args.idpId === undefined ? {} : { idpId: args.idpId }),
      }),
    )
    const requestId = `sso_${randomBytes(12).toString('hex')}`
    this.#requests.set(requestId, {
      pending,
      baseUrl: found.baseUrl,
      serverName: found.serverName,
      versions: versionsOf(found),
      ...(record ? { accountId: record.id, deviceId: record.deviceId } : {}),
    })
    // A sign-in that timed out or failed in the browser is forgotten unless completeSso holds it
    // (and will report why). A received token waits for completeSso however late it comes.
    pending.loginToken.catch(() => {
      const request = this.#requests.get(requestId)
      if (request && !request.completion) this.#requests.delete(requestId)
    })
    try {
      await ctx.openExternal(pending.browserUrl)
    } catch {
      pending.cancel()
      this.#requests.delete(requestId)
      throw new ContractError({ code: 'internal', message: 'Latchkey could not open your browser for the sign-in.' })
    }
    return { requestId, url: pending.browserUrl }
  }

  complete(args: CallArgs<'completeSso'>): Promise<Account> {
    const request = this.#requests.get(args.requestId)
    if (!request) {
      return Promise.reject(
        new ContractError({ code: 'not-found', message: 'That sign-in is no longer in progress: it finished, was cancelled or timed out.' }),
      )
    }
    request.completion ??= this.#finish(request).finally(() => this.#requests.delete(args.requestId))
    return request.completion
  }

  cancel(args: CallArgs<'cancelSso'>): void {
    const request = this.#requests.get(args.requestId)
    request?.pending.cancel()
    if (request && !request.completion) this.#requests.delete(args.requestId)
  }

  closeAll(): void {
    for (const request of this.#requests.values()) request.pending.cancel()
    this.#requests.clear()
  }

  async #finish(request: SsoRequest): Promise<Account> {
    const { ctx } = this
    try {
      const token = await mapErrors(() => request.pending.loginToken)
      const client = freshClient(ctx, request.baseUrl, request.versions)
      const credentials = await mapErrors(
        () =>
          signInWithLoginToken(client, {
            token,
            deviceName: ctx.deviceName,
            ...(request.deviceId === undefined ? {} : { deviceId: request.deviceId }),
          }),
        { login: 'sso', server: request.serverName },
      )
      const account =
        request.accountId === undefined
          ? await addSession(ctx, client, credentials)
          : await replaceSession(ctx, await recordOf(ctx, request.accountId), client, credentials)
      request.pending.finish({ ok: true, userId: account.userId })
      return account
    } catch (error) {
      const failure = toContractError(error)
      request.pending.finish({ ok: false, message: failure.message })
      throw failure
    }
  }
}
