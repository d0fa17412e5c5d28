/**
 * Plain http:// to a server off this machine (issue 9 §5): a password, a login token or the session
 * that follows would cross the network unencrypted. Every way of signing in asks first: the call
 * answers the typed error `plain-http` with one sentence, the app turns it into a confirmation and
 * the CLI into a prompt (or asks for --allow-plain-http), and the call comes again with
 * `allowPlainHttp: true`. Loopback (localhost, ::1, 127/8, ::ffff:127.*) never leaves the machine
 * and is not asked about.
 */
import type { Credentials } from '../auth'
import { plainHttpHost, type MatrixClient } from '../matrix'
import { ContractError } from '../../shared/errors'

/** What would cross the network: the password, a login token, or an SSO sign-in's token. */
export type SignInSecret = 'password' | 'login-token' | 'sso'

/** Throws `plain-http` when `baseUrl` is plain http:// off this machine and the person has not said yes. */
export function refusePlainHttp(baseUrl: string, allow: boolean | undefined, secret: SignInSecret): void {
  const host = plainHttpHost(baseUrl)
  if (host === undefined || allow === true) return
  throw new ContractError({ code: 'plain-http', message: beforeSentence(host, secret) })
}

/**
 * Signs in only over a connection the person accepted: refused before anything is sent when the
 * server is plain http:// off this machine, and refused after, with the new session signed out,
 * when the login answer's `well_known` moves the session to such a server.
 */
export async function signInOverAcceptedTransport(
  client: MatrixClient,
  allow: boolean | undefined,
  secret: SignInSecret,
  signIn: () => Promise<Credentials>,
): Promise<Credentials> {
  refusePlainHttp(client.baseUrl, allow, secret)
  const credentials = await signIn()
  await refuseSwitchToPlainHttp(client, credentials, allow)
  return credentials
}

/** The login answer moved the session to plain http:// off this machine: sign it out, ask first. */
export async function refuseSwitchToPlainHttp(client: MatrixClient, credentials: Credentials, allow: boolean | undefined): Promise<void> {
  const to = plainHttpHost(credentials.homeserverUrl)
  if (to === undefined || allow === true) return
  try {
    // Still at the server the credentials went to, which the person accepted.
    await client.logout({ timeoutMs: Math.min(5000, client.transport.timeoutMs) })
  } catch {
    // Unreachable or gone already: nothing more to do; the sentence below is what matters.
  }
  throw new ContractError({
    code: 'plain-http',
    message: `${client.host} moved the sign-in to ${to} over plain http://, where your session would cross the network unencrypted and anyone in between could take it over; Latchkey signed that session out.`,
  })
}

function beforeSentence(host: string, secret: SignInSecret): string {
  switch (secret) {
    case 'password':
      return `Your password would go to ${host} over plain http://, unencrypted, where anyone on the network in between could read it.`
    case 'login-token':
      return `The login code would go to ${host} over plain http://, unencrypted, where anyone on the network in between could read it and take over the session.`
    case 'sso':
      return `The sign-in would finish at ${host} over plain http://, unencrypted, where anyone on the network in between could take over the session.`
  }
}
