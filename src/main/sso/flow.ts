/**
 * SSO sign-in through the system browser (spec: "Client login via SSO"):
 *
 *   loopback listener → browser opens <base>/_matrix/client/v3/login/sso/redirect[/<idp>]?redirectUrl=<listener>
 *   → identity provider → the homeserver sends the browser to <listener>?loginToken=…
 *   → POST /login { type: m.login.token } → the caller's `keep` (if any) → the browser is told how it
 *   ended → the listener closes.
 *
 * Errors: before the browser is opened, `beginSsoSignIn` rejects (MatrixError for what the server
 * said or did not offer, SsoError `listen-failed` / `cancelled`, or whatever `openExternal` threw).
 * After that, `done` rejects with SsoError (`cancelled`, `timeout`) or the MatrixError of the
 * sign-in (a refused or replayed login token: 403 M_FORBIDDEN), or what `keep` threw. Nothing here logs, and no message
 * carries the login token (the MatrixErrors are scrubbed of it by the protocol layer).
 */
import {
  isMatrixError,
  MatrixClient,
  MatrixError,
  selectPath,
  type IdentityProvider,
  type LoginResult,
  type PathHistory,
  type ServerVersions,
  type Transport,
  type TransportOptions,
} from '../matrix'
import { SsoError } from './errors'
import { startRedirectListener } from './listener'

// The `/{idpId}` form arrived in spec v1.1, but r0-era servers that knew it (Synapse, MSC2858)
// served it under r0, and a server that speaks only r0 answers only r0 paths.
const SSO_REDIRECT: PathHistory = {
  stable: { '1.0': '/_matrix/client/r0/login/sso/redirect', '1.1': '/_matrix/client/v3/login/sso/redirect' },
}
const SSO_REDIRECT_IDP: PathHistory = {
  stable: { '1.0': '/_matrix/client/r0/login/sso/redirect/{idpId}', '1.1': '/_matrix/client/v3/login/sso/redirect/{idpId}' },
}

export interface SsoSignInOptions {
  /** The homeserver's base URL (from discovery). */
  baseUrl: string
  /** From discovery; fetched when absent. Decides r0 or v3 paths. */
  versions?: ServerVersions | readonly string[]
  /** One of the `m.login.sso` flow's identity providers; omitted lets the server ask. */
  idpId?: string
  /**
   * The identity providers discovery found (Discovery.identityProviders). When absent, GET /login
   * is asked, so that an SSO-less server or an unknown `idpId` fails here rather than in the browser.
   */
  identityProviders?: readonly IdentityProvider[]
  /**
   * Opens the URL in the system browser (shell.openExternal; the CLI prints it and tries xdg-open).
   * If it throws, the sign-in is abandoned and `beginSsoSignIn` rejects with that error; a caller
   * that wants the person to open the URL by hand should not throw.
   */
  openExternal: (url: string) => Promise<void>
  /** Sign in again as this device (after a soft logout) instead of making a new one. */
  deviceId?: string
  /** `initial_device_display_name` for a new device. */
  deviceName?: string
  /** How long to wait for the browser to come back. Default 5 minutes. */
  timeoutMs?: number
  /** Aborting it is `cancel()`. */
  signal?: AbortSignal
  transport?: Transport | TransportOptions
  /**
   * Keeps the new session (stores its tokens, adds the account) once the server has signed in and
   * before the browser is answered, so the page says how the whole sign-in ended, not only the
   * server's part. If it throws, `done` rejects with what it threw and the page shows
   * `describeFailure` of it; undoing the session is then `keep`'s own business. While it runs,
   * `cancel()` changes nothing: the session is already being kept, and `done` settles as `keep` does.
   */
  keep?: (credentials: SsoCredentials) => Promise<void>
  /**
   * The sentence the browser's page shows for a failed sign-in (the server's refusal, or what
   * `keep` threw). It must carry no secret. Default: a MatrixError's or SsoError's own sentence,
   * else a plain one.
   */
  describeFailure?: (error: unknown) => string
}

/** What a finished SSO sign-in yields: the session, and where it lives. */
export interface SsoCredentials extends LoginResult {
  /** The base URL the sign-in was made against (see `wellKnownBaseUrl` for the server's wish). */
  homeserverUrl: string
}

export interface SsoSignIn {
  /** The homeserver's SSO redirect URL that was opened in the browser (no secret in it but the listener's nonce). */
  readonly url: string
  /** Resolves with the new session; rejects with SsoError (`cancelled`, `timeout`) or MatrixError. */
  readonly done: Promise<SsoCredentials>
  /** Stops the sign-in at any moment before `done` settles: `done` rejects with SsoError `cancelled`. Idempotent. */
  cancel(): void
  /** Resolves once the listener is closed and nothing of this sign-in is left running. */
  readonly closed: Promise<void>
}

export async function beginSsoSignIn(options: SsoSignInOptions): Promise<SsoSignIn> {
  const { signal } = options
  if (signal?.aborted) throw cancelledError()
  const client = new MatrixClient({
    baseUrl: options.baseUrl,
    ...(options.versions === undefined ? {} : { versions: options.versions }),
    ...(options.transport === undefined ? {} : { transport: options.transport }),
  })
  const call = signal ? { signal } : {}

  let versions: ServerVersions
  try {
    versions = await client.versions(call)
    await checkIdentityProvider(client, options, call)
  } catch (error) {
    throw isMatrixError(error, 'cancelled') ? cancelledError() : error
  }

  const listener = await startRedirectListener({
    kind: 'sso',
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(signal ? { signal } : {}),
  })
  const url = redirectUrl(client.baseUrl, versions, listener.url, options.idpId)

  const describeFailure = (error: unknown): string => {
    try {
      return options.describeFailure?.(error) ?? failureSentence(error)
    } catch {
      return failureSentence(error)
    }
  }
  let settled = false
  // Set once `keep` has started: from then on the sign-in ends as `keep` does.
  let keeping = false
  let resolveDone!: (credentials: SsoCredentials) => void
  let rejectDone!: (error: unknown) => void
  const done = new Promise<SsoCredentials>((resolve, reject) => {
    resolveDone = (c) => {
      settled = true
      resolve(c)
    }
    rejectDone = (e) => {
      settled = true
      reject(e)
    }
  })
  done.catch(() => {})

  const cancel = (): void => {
    if (keeping) return
    // The listener answers a waiting browser with its "cancelled" page and closes.
    listener.cancel()
    if (!settled) rejectDone(cancelledError())
  }
  signal?.addEventListener('abort', cancel, { once: true })

  // Set up before the browser is opened: an openExternal that only returns once the page has
  // loaded (a test's browser) must not wait on a sign-in that waits on it.
  const signingIn = finish()
  const closed = Promise.all([listener.closed, signingIn]).then(() => signal?.removeEventListener('abort', cancel))

  async function finish(): Promise<void> {
    let loginToken: string
    try {
      ;({ loginToken } = await listener.result)
    } catch (error) {
      if (!settled) rejectDone(error)
      return
    }
    if (settled) return // cancelled as the browser arrived
    let result: LoginResult
    try {
      // Not aborted by cancel(): the server may already have made the session, and only its answer
      // lets us end it again (below) rather than leave a stray device behind.
      result = await client.login({
        type: 'token',
        token: loginToken,
        refreshToken: true,
        ...(options.deviceId === undefined ? {} : { deviceId: options.deviceId }),
        ...(options.deviceName === undefined ? {} : { initialDeviceDisplayName: options.deviceName }),
      })
    } catch (error) {
      listener.respond({ ok: false, message: describeFailure(error) })
      if (!settled) rejectDone(error)
      return
    }
    if (settled) {
      // Cancelled while the server was signing in. A new device is ended again; a re-login's
      // device existed before and is the person's, so only our copy of its new tokens is dropped.
      if (options.deviceId === undefined) await client.logout().catch(() => {})
      return
    }
    const credentials: SsoCredentials = { ...result, homeserverUrl: client.baseUrl }
    if (options.keep) {
      keeping = true
      try {
        await options.keep(credentials)
      } catch (error) {
        listener.respond({ ok: false, message: describeFailure(error) })
        rejectDone(error)
        return
      }
    }
    listener.respond({ ok: true, userId: result.userId })
    resolveDone(credentials)
  }

  try {
    await options.openExternal(url)
  } catch (error) {
    cancel()
    throw error
  }
  if (signal?.aborted) throw cancelledError()
  return { url, done, cancel, closed }
}

/** Fails before the browser opens when the server plainly cannot do what was asked. */
async function checkIdentityProvider(client: MatrixClient, options: SsoSignInOptions, call: { signal?: AbortSignal }): Promise<void> {
  let providers = options.identityProviders
  if (providers === undefined) {
    const flows = await client.loginFlows(call)
    const sso = flows.find((flow) => flow.type === 'm.login.sso')
    if (!sso) {
      throw new MatrixError({
        kind: 'unsupported',
        endpoint: 'ssoRedirect',
        host: client.host,
        message: `${client.host} does not offer single sign-on.`,
      })
    }
    providers = sso.identityProviders ?? []
  }
  const { idpId } = options
  // Servers that list no providers (older ones, CAS) cannot be checked; the browser will show the answer.
  if (idpId === undefined || providers.length === 0 || providers.some((idp) => idp.id === idpId)) return
  const offered = providers.map((idp) => `${idp.name} (${idp.id})`).join(', ')
  // What the server's redirect endpoint itself answers for an unknown provider.
  throw new MatrixError({
    kind: 'http',
    endpoint: 'ssoRedirect',
    host: client.host,
    status: 404,
    errcode: 'M_NOT_FOUND',
    message: `${client.host} has no identity provider “${idpId.slice(0, 100)}”; it offers ${offered}.`,
  })
}

function redirectUrl(baseUrl: string, versions: ServerVersions, listenerUrl: string, idpId: string | undefined): string {
  const path =
    idpId === undefined
      ? selectPath(SSO_REDIRECT, versions)
      : selectPath(SSO_REDIRECT_IDP, versions).replace('{idpId}', encodeURIComponent(idpId))
  const url = new URL(baseUrl + path)
  url.searchParams.set('redirectUrl', listenerUrl)
  return url.href
}

/** For the browser's page: the protocol layer's sentence (already free of the token), or a plain one. */
function failureSentence(error: unknown): string {
  if (error instanceof MatrixError || error instanceof SsoError) return error.message
  return 'Latchkey could not finish the sign-in'
}

function cancelledError(): SsoError {
  return new SsoError('cancelled', 'The sign-in was cancelled.')
}
