/**
 * Sign-in with single sign-on in the system browser, as the other ways of signing in read: the
 * client adopts the new session and the result is Credentials (the login answer's `well_known`
 * followed). The browser, the loopback listener and the `m.login.token` exchange are sso/flow.ts.
 */
import { isMatrixError, type LoginResult, type MatrixClient, type ServerVersions } from '../matrix'
import { beginSsoSignIn, SsoError, type SsoSignInOptions } from '../sso'
import { credentialsFrom, tokensOf, type Credentials } from './credentials'

export interface SsoSignInRequest
  extends Pick<SsoSignInOptions, 'idpId' | 'identityProviders' | 'openExternal' | 'timeoutMs' | 'signal' | 'describeFailure'> {
  /** Sign in again as this device (after a soft logout), keeping its id. */
  deviceId?: string
  deviceName?: string
  /**
   * Keeps the session before the browser is told how the sign-in ended (see SsoSignInOptions.keep);
   * the client has adopted it by then.
   */
  keep?: (credentials: Credentials) => Promise<void>
}

export interface PendingSsoSignIn {
  /** The server's SSO page that was opened in the browser. */
  readonly url: string
  /** The new session; rejects with SsoError (`cancelled`, `timeout`, `idp-error`), MatrixError, or what `keep` threw. */
  readonly done: Promise<Credentials>
  cancel(): void
  /** Resolves once nothing of the sign-in is left running. */
  readonly closed: Promise<void>
}

/**
 * Opens the browser on `client`'s server and answers once it is open; `done` settles when the
 * browser has come back and the session is kept. Rejects as beginSsoSignIn does.
 */
export async function signInWithSso(client: MatrixClient, request: SsoSignInRequest): Promise<PendingSsoSignIn> {
  const { keep, deviceId, deviceName, ...rest } = request
  let credentials: Credentials | undefined
  const adopt = (result: LoginResult): Credentials => {
    credentials ??= credentialsFrom(client, result)
    client.setCredentials(tokensOf(credentials))
    return credentials
  }
  let versions: ServerVersions
  try {
    // Usually known already (discovery): the client's copy saves the flow asking again.
    versions = await client.versions(request.signal ? { signal: request.signal } : {})
  } catch (error) {
    throw isMatrixError(error, 'cancelled') ? new SsoError('cancelled', 'The sign-in was cancelled.') : error
  }
  const signIn = await beginSsoSignIn({
    ...rest,
    baseUrl: client.baseUrl,
    versions,
    transport: client.transport,
    ...(deviceId === undefined ? {} : { deviceId }),
    ...(deviceName === undefined ? {} : { deviceName }),
    ...(keep === undefined ? {} : { keep: (result) => keep(adopt(result)) }),
  })
  const done = signIn.done.then(adopt)
  done.catch(() => {})
  return { url: signIn.url, done, cancel: () => signIn.cancel(), closed: signIn.closed }
}
