/**
 * SSO sign-ins in progress: beginSso opens the browser and answers at once; completeSso waits for
 * the outcome; cancelSso (or close) stops the wait. Each request owns one loopback listener
 * (auth's signInWithSso over sso/flow.ts), which always closes.
 *
 * The session is kept (account added, or signed in again) as soon as the browser comes back, before
 * the browser's page is answered, so the page says whether Latchkey kept it. completeSso only
 * collects that outcome, however late it is called.
 */
import { randomBytes } from 'node:crypto'
import { beginOAuthSignIn, offersDeviceGrant, signInWithDeviceCode, signInWithSso, type DeviceCodePrompt, type PendingSsoSignIn } from '../auth'
import type { Discovery as MatrixDiscovery } from '../matrix'
import { clientIdOf, oauthServer } from './oauth'
import type { Account, CallArgs, CallResult } from '../../shared/contract'
import { ContractError } from '../../shared/errors'
import { freshClient, recordOf, type ServiceContext } from './context'
import { mapErrors, toContractError, type ErrorContext } from './errors'
import { refusePlainHttp, refuseSwitchToPlainHttp } from './plain-http'
import { addSession, compatibilityOrigin, discoverServer, replaceSession, versionsOf, type SessionOrigin } from './sign-in'

interface SsoRequest {
  signIn: Pick<PendingSsoSignIn, 'url' | 'cancel' | 'closed'>
  /** The account added or signed in again; rejects with a ContractError. */
  outcome: Promise<Account>
  /** completeSso has taken the outcome. */
  collected: boolean
}

export class SsoRequests {
  readonly #requests = new Map<string, SsoRequest>()

  constructor(private readonly ctx: ServiceContext) {}

  async begin(args: CallArgs<'beginSso'>): Promise<{ requestId: string; url: string }> {
    const { ctx } = this
    const record = args.accountId === undefined ? undefined : await recordOf(ctx, args.accountId)
    const found = await discoverServer(ctx, record ? record.homeserverUrl : args.server)
    if (!found.sso) {
      // Also where GET /login is 404 (OAuth-only servers): the SSO address would be a dead one.
      const instead = found.oauth.offered ? ' It signs people in on its own web page instead ("Continue with the server").' : ''
      throw new ContractError({ code: 'unsupported', message: `${found.serverName} does not offer single sign-on.${instead}` })
    }
    if (args.idpId !== undefined && found.identityProviders.length > 0 && !found.identityProviders.some((p) => p.id === args.idpId)) {
      throw new ContractError({
        code: 'invalid-argument',
        message: `${found.serverName} has no identity provider "${args.idpId}"; it offers ${found.identityProviders.map((p) => p.name).join(', ')}.`,
      })
    }
    // Asked before the browser opens: the token it brings back goes to this server.
    refusePlainHttp(found.baseUrl, args.allowPlainHttp, 'sso')
    const context: ErrorContext = { login: 'sso', server: found.serverName }
    const client = freshClient(ctx, found.baseUrl, versionsOf(found))
    let kept: Account | undefined
    const signIn = await mapErrors(() =>
      signInWithSso(client, {
        openExternal: (url) => openBrowser(ctx, url),
        identityProviders: found.identityProviders,
        ...(args.idpId === undefined ? {} : { idpId: args.idpId }),
        deviceName: ctx.deviceName,
        ...(record ? { deviceId: record.deviceId } : {}),
        timeoutMs: ctx.tuning.ssoTimeoutMs,
        signal: ctx.closing,
        keep: async (credentials) => {
          await refuseSwitchToPlainHttp(client, credentials, args.allowPlainHttp)
          const options = { signInMethod: 'sso', trustServer: args.trustServer } as const
          kept = record
            ? await replaceSession(ctx, await recordOf(ctx, record.id), client, credentials, options)
            : await addSession(ctx, client, credentials, { ...options, ...compatibilityOrigin(found) })
        },
        describeFailure: (error) => toContractError(error, context).message,
      }),
    )
    const outcome = mapErrors(async () => {
      await signIn.done
      // keep has run by then: done resolves only after it.
      if (!kept) throw new Error('the SSO sign-in finished without keeping its session')
      return kept
    }, context)
    const requestId = `sso_${randomBytes(12).toString('hex')}`
    const request: SsoRequest = { signIn, outcome, collected: false }
    this.#requests.set(requestId, request)
    // A sign-in that timed out or failed is forgotten unless completeSso holds it (and will report
    // why). An account that was kept waits for completeSso however late it comes.
    outcome.catch(() => {
      if (!request.collected) this.#forget(requestId, request)
    })
    return { requestId, url: signIn.url }
  }

  /**
   * "Continue with <server>": the OAuth 2.0 authorisation code grant in the browser (issue 10),
   * kept like an SSO sign-in and finished with completeSso. The client id is checked (or
   * registered) before the browser opens, so the person never lands on an error page there.
   */
  async beginOAuth(args: CallArgs<'beginOAuth'>): Promise<{ requestId: string; url: string }> {
    const { ctx } = this
    const { record, context, server, clientId, client, origin } = await this.#prepareOAuth(args)
    let kept: Account | undefined
    const signIn = await mapErrors(
      () =>
        beginOAuthSignIn(client, {
          server,
          clientId,
          ...(record ? { deviceId: record.deviceId, loginHint: record.userId } : {}),
          ...(args.create ? { create: true } : {}),
          openExternal: (url) => openBrowser(ctx, url),
          timeoutMs: ctx.tuning.ssoTimeoutMs,
          signal: ctx.closing,
          keep: async (credentials) => {
            kept = record
              ? await replaceSession(ctx, await recordOf(ctx, record.id), client, credentials, { ...origin, trustServer: args.trustServer })
              : await addSession(ctx, client, credentials, { ...origin, trustServer: args.trustServer })
          },
          describeFailure: (error) => toContractError(error, context).message,
        }),
      context,
    )
    const outcome = mapErrors(async () => {
      await signIn.done
      if (!kept) throw new Error('the OAuth sign-in finished without keeping its session')
      return kept
    }, context)
    return this.#track('oauth', signIn, outcome)
  }

  /**
   * The device authorisation grant (RFC 8628): the code to show is answered at once; the polling
   * goes on here and completeSso collects the account it keeps.
   */
  async beginDeviceCode(args: CallArgs<'beginDeviceCode'>): Promise<CallResult<'beginDeviceCode'>> {
    const { ctx } = this
    const { record, context, server, clientId, client, origin } = await this.#prepareOAuth(args, (found, metadata) => {
      if (!offersDeviceGrant(metadata)) {
        throw new ContractError({ code: 'unsupported', message: `${found.serverName} does not offer signing in with a code confirmed on another device; sign in with a browser instead.` })
      }
    })
    const abort = new AbortController()
    const stop = () => abort.abort()
    ctx.closing.addEventListener('abort', stop, { once: true })
    let show!: (prompt: DeviceCodePrompt) => void
    const shown = new Promise<DeviceCodePrompt>((resolve) => (show = resolve))
    const run = signInWithDeviceCode(client, {
      server,
      clientId,
      ...(record ? { deviceId: record.deviceId } : {}),
      show: (prompt) => show(prompt),
      signal: abort.signal,
    })
    const closed = run.then(
      () => undefined,
      () => undefined,
    )
    void closed.then(() => ctx.closing.removeEventListener('abort', stop))
    const outcome = mapErrors(async () => {
      const credentials = await run
      return record
        ? replaceSession(ctx, await recordOf(ctx, record.id), client, credentials, { ...origin, trustServer: args.trustServer })
        : addSession(ctx, client, credentials, { ...origin, trustServer: args.trustServer })
    }, context)
    outcome.catch(() => {})
    const prompt = await mapErrors(() => Promise.race([shown, run.then(() => shown)]), context)
    const { requestId } = this.#track('oauth', { url: prompt.verificationUriComplete ?? prompt.verificationUri, cancel: stop, closed }, outcome)
    return {
      requestId,
      userCode: prompt.userCode,
      verificationUri: prompt.verificationUri,
      ...(prompt.verificationUriComplete === undefined ? {} : { verificationUriComplete: prompt.verificationUriComplete }),
      expiresAt: prompt.expiresAt,
    }
  }

  /**
   * What both OAuth 2.0 sign-ins need before anything is sent: the server (found again for a
   * re-login), its offer checked (`check` may refuse more, before plain http is), the issuer and
   * Latchkey's client id there (registered when missing), and a client for the new session.
   */
  async #prepareOAuth(
    args: { server: string; accountId?: string | undefined; allowPlainHttp?: boolean | undefined },
    check?: (found: MatrixDiscovery, metadata: NonNullable<MatrixDiscovery['oauth']['metadata']>) => void,
  ) {
    const { ctx } = this
    const record = args.accountId === undefined ? undefined : await recordOf(ctx, args.accountId)
    const found = await discoverServer(ctx, record ? record.homeserverUrl : args.server)
    const metadata = found.oauth.metadata
    if (!found.oauth.offered || !metadata) {
      throw new ContractError({ code: 'unsupported', message: `${found.serverName} does not offer signing in on its own web page; use another way to sign in.` })
    }
    check?.(found, metadata)
    refusePlainHttp(found.baseUrl, args.allowPlainHttp, 'sso')
    const context: ErrorContext = { login: 'oauth', server: found.serverName }
    const server = await mapErrors(() => oauthServer(ctx, metadata.issuer, found.baseUrl, metadata), context)
    const clientId = await mapErrors(() => clientIdOf(ctx, server), context)
    return { record, context, server, clientId, client: freshClient(ctx, found.baseUrl, versionsOf(found)), origin: originOf(found) }
  }

  #track(kind: 'sso' | 'oauth', signIn: SsoRequest['signIn'], outcome: Promise<Account>): { requestId: string; url: string } {
    const requestId = `${kind}_${randomBytes(12).toString('hex')}`
    const request: SsoRequest = { signIn, outcome, collected: false }
    this.#requests.set(requestId, request)
    outcome.catch(() => {
      if (!request.collected) this.#forget(requestId, request)
    })
    return { requestId, url: signIn.url }
  }

  complete(args: CallArgs<'completeSso'>): Promise<Account> {
    const request = this.#requests.get(args.requestId)
    if (!request) {
      return Promise.reject(
        new ContractError({ code: 'not-found', message: 'That sign-in is no longer in progress: it finished, was cancelled or timed out.' }),
      )
    }
    request.collected = true
    return request.outcome.finally(() => this.#forget(args.requestId, request))
  }

  /** Resolves once the request's listener is closed (at once when the browser is away). */
  async cancel(args: CallArgs<'cancelSso'>): Promise<void> {
    const request = this.#requests.get(args.requestId)
    if (!request) return
    request.signIn.cancel()
    if (!request.collected) this.#forget(args.requestId, request)
    await request.signIn.closed
  }

  async closeAll(): Promise<void> {
    const requests = [...this.#requests.values()]
    this.#requests.clear()
    for (const request of requests) request.signIn.cancel()
    await Promise.all(requests.map((r) => r.signIn.closed))
  }

  #forget(requestId: string, request: SsoRequest): void {
    if (this.#requests.get(requestId) === request) this.#requests.delete(requestId)
  }
}

/** What an account made through the OAuth 2.0 API records: the issuer and the account page. */
function originOf(found: Awaited<ReturnType<typeof discoverServer>>): SessionOrigin {
  const metadata = found.oauth.metadata
  return {
    signInMethod: 'oauth',
    authApi: 'oauth',
    ...(metadata ? { oauth: { issuer: metadata.issuer } } : {}),
    ...(found.oauth.accountManagementUrl === undefined
      ? {}
      : { accountManagement: { url: metadata?.accountManagementUri ?? found.oauth.accountManagementUrl, actions: found.oauth.accountManagementActions ?? [] } }),
  }
}

async function openBrowser(ctx: ServiceContext, url: string): Promise<void> {
  try {
    await ctx.openExternal(url)
  } catch {
    throw new ContractError({ code: 'internal', message: 'Latchkey could not open your browser for the sign-in.' })
  }
}
