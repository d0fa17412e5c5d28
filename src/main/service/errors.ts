/**
 * Every failure below the service becomes a ContractError here: a code the UI and the CLI branch
 * on and a sentence a person can act on. The lower layers already scrub secrets from their
 * messages; this file adds the context only the service knows (what the person was doing), and
 * never copies anything but those sentences, hosts and numbers.
 */
import { RegistryError, SecretStoreError } from '../accounts/errors'
import { MatrixError } from '../matrix/errors'
import { SsoError } from '../sso/errors'
import { ContractError, type ContractErrorData } from '../../shared/errors'
import { describeWait } from '../matrix/wait'

export interface ErrorContext {
  /** What the person was doing, as the end of "… before <action>": "making another login token". */
  action?: string
  /** Which kind of sign-in, when the call signs in: decides what "refused" refers to. */
  login?: 'password' | 'login-token' | 'sso' | 'oauth'
  /** The name to use in sentences instead of the error's host (e.g. the server name). */
  server?: string
  /**
   * The host a password asked for here would be sent to (the account's base URL host). A request
   * for the password names it, never a name the server chose (issue 9 §2).
   */
  passwordHost?: string
}

export function toContractError(error: unknown, context: ErrorContext = {}): ContractError {
  if (error instanceof ContractError) return error
  if (error instanceof MatrixError) return fromMatrix(error, context)
  if (error instanceof SsoError) return fromSso(error)
  if (error instanceof RegistryError) return fromRegistry(error)
  if (error instanceof SecretStoreError) return new ContractError({ code: 'storage', message: ensureSentence(error.message) })
  return new ContractError({
    code: 'internal',
    message: 'Something went wrong inside Latchkey. Nothing was changed; please try again, and report it if it keeps happening.',
  })
}

/** Runs `task` and turns whatever it throws into a ContractError. */
export async function mapErrors<T>(task: () => Promise<T>, context: ErrorContext = {}): Promise<T> {
  try {
    return await task()
  } catch (error) {
    throw toContractError(error, context)
  }
}

function fromMatrix(error: MatrixError, context: ErrorContext): ContractError {
  const server = context.server ?? error.host
  const own = ensureSentence(error.message)
  const data = (code: ContractErrorData['code'], message: string, extra: Partial<ContractErrorData> = {}): ContractError =>
    new ContractError({ code, message, ...extra })

  switch (error.kind) {
    case 'network':
    case 'timeout':
      return data('unreachable', ...personFirst(own))
    case 'discovery':
      return data('unreachable', discoverySentence(error, server), { detail: own })
    case 'malformed':
      return data('bad-response', ...personFirst(own))
    case 'rate-limited': {
      const wait = error.retryAfterMs
      const message =
        wait !== undefined && context.action
          ? `${server} asks you to wait ${describeWait(wait)} before ${context.action}.`
          : own
      return data('rate-limited', message, wait === undefined ? {} : { retryAfterMs: wait })
    }
    case 'logged-out':
      if (context.login) return refused(error, context, server)
      return error.softLogout
        ? data('soft-logged-out', `${server} ended this session; sign in again to keep using the same device.`)
        : data('logged-out', `${server} signed this session out; add the account again to use it.`)
    case 'user-locked':
      return data('locked', `${server} has locked this account; its administrator can unlock it.`)
    case 'uia':
      return fromUia(error, server, context.passwordHost ?? error.host)
    case 'unsupported':
      if (error.endpoint === 'versions') {
        // The one request every Matrix server answers: without it, the address is not (or no longer) one.
        return data('unreachable', `${server} does not answer as a Matrix server. Check that the address is right, or ask the server's administrator.`, { detail: own })
      }
      return data('unsupported', own, error.accountManagementUrl ? { url: error.accountManagementUrl } : {})
    case 'invalid-input':
      return data('invalid-argument', own)
    case 'cancelled':
      return data('cancelled', own)
    case 'persist':
      return data('storage', own)
    case 'http':
      return fromHttp(error, context, server, own)
  }
}

function fromHttp(error: MatrixError, context: ErrorContext, server: string, own: string): ContractError {
  const { status, errcode } = error
  if (context.login && (errcode === 'M_FORBIDDEN' || errcode === 'M_UNAUTHORIZED' || status === 401 || status === 403)) {
    return refused(error, context, server)
  }
  if (errcode === 'M_USER_DEACTIVATED') {
    return new ContractError({ code: 'logged-out', message: `${server} says this account has been deactivated.` })
  }
  if (errcode === 'M_USER_LOCKED') {
    return new ContractError({ code: 'locked', message: `${server} has locked this account; its administrator can unlock it.` })
  }
  if (errcode === 'M_NOT_FOUND' || status === 404) return new ContractError({ code: 'not-found', message: own })
  if (errcode === 'M_UNRECOGNIZED') return new ContractError({ code: 'unsupported', message: own })
  // A 5xx without the server's own Matrix error: a proxy's or a crashed server's page, whose words help no one.
  if (status !== undefined && status >= 500 && !errcode) {
    return new ContractError({
      code: 'server-error',
      message: `Trouble at ${server}: the server, or a proxy in front of it, failed to answer. Nothing was changed; try again in a few minutes.`,
      detail: own,
    })
  }
  return new ContractError({ code: 'server-error', ...withDetail(personFirst(own)) })
}

/**
 * The sentence with the protocol's codes taken out — "(EPROTO)", "(HTTP 502 Bad Gateway)",
 * "(M_FORBIDDEN)" — and the whole original as the detail, when there was anything to take out.
 */
function personFirst(own: string): [string, { detail?: string }] {
  const plain = own
    .replace(/\s*\((?:HTTP \d{3}[^)]*|E[A-Z_]{3,}|ERR_[A-Z_]+|[A-Z_]{4,}|M_[A-Z_]+|unknown network error)\)/g, '')
    .replace(/\s+([.,;:])/g, '$1')
  return plain === own ? [own, {}] : [plain, { detail: own }]
}

function withDetail([message, extra]: [string, { detail?: string }]): { message: string; detail?: string } {
  return { message, ...extra }
}

/**
 * Discovery failed as a whole: where the server is could not be worked out. The person typed an
 * address; they are told whether the server is in trouble (try later) or the address does not
 * lead to a Matrix server (check it), and the protocol's account goes behind Details.
 */
function discoverySentence(error: MatrixError, server: string): string {
  const status = error.status
  const cause = error.cause instanceof MatrixError ? error.cause : undefined
  if ((status !== undefined && status >= 500) || (cause?.status !== undefined && cause.status >= 500)) {
    return `Trouble at ${server}: the server, or a proxy in front of it, failed to answer. Try again in a few minutes.`
  }
  if (cause && (cause.kind === 'network' || cause.kind === 'timeout')) {
    return `Latchkey could not reach ${server}. Check the address and your internet connection, then try again.`
  }
  return `${server} does not lead to a Matrix server that Latchkey can use. Check the address: it is the part of your Matrix ID after the colon, or the address your server's administrator gave you.`
}

function refused(error: MatrixError, context: ErrorContext, server: string): ContractError {
  if (error.errcode === 'M_USER_DEACTIVATED') {
    return new ContractError({ code: 'wrong-credentials', message: `${server} says this account has been deactivated.` })
  }
  if (error.errcode === 'M_USER_LOCKED' || error.kind === 'user-locked') {
    return new ContractError({ code: 'locked', message: `${server} has locked this account; its administrator can unlock it.` })
  }
  const message =
    context.login === 'password'
      ? `${server} refused the user name or password.`
      : context.login === 'oauth'
        ? `${server} did not accept the sign-in; start it again.`
        : `${server} refused the login token: it may have been used already or have expired. Make a new one and try again.`
  return new ContractError({ code: 'wrong-credentials', message })
}

function fromUia(error: MatrixError, server: string, passwordHost: string): ContractError {
  const stages = [...new Set((error.uia?.flows ?? []).flatMap((flow) => flow.stages))]
  if (error.uia?.errcode === 'M_FORBIDDEN' || error.errcode === 'M_FORBIDDEN') {
    return new ContractError({ code: 'wrong-credentials', message: `${passwordHost} refused the password.` })
  }
  if (error.stage !== undefined && !['m.login.password', 'm.login.sso'].includes(error.stage)) {
    return new ContractError({
      code: 'unsupported',
      message: `${server} asks for a confirmation step Latchkey cannot do (${error.stage}).`,
    })
  }
  return new ContractError({
    code: 'auth-required',
    message: describeStages(server, stages, passwordHost),
    authStages: stages,
  })
}

function describeStages(server: string, stages: readonly string[], passwordHost: string): string {
  if (stages.includes('m.login.password')) return `${passwordHost} asks for your password to confirm this.`
  if (stages.includes('m.login.sso')) return `${server} asks you to confirm this in your browser.`
  return `${server} asks you to confirm this in a way Latchkey cannot offer (${stages.join(', ') || 'no stage named'}).`
}

function fromSso(error: SsoError): ContractError {
  switch (error.code) {
    case 'cancelled':
    case 'timeout':
      return new ContractError({ code: 'cancelled', message: ensureSentence(error.message) })
    case 'idp-error':
      return new ContractError({ code: 'wrong-credentials', message: ensureSentence(error.message) })
    case 'listen-failed':
      return new ContractError({ code: 'internal', message: ensureSentence(error.message) })
  }
}

function fromRegistry(error: RegistryError): ContractError {
  switch (error.code) {
    case 'unknown-account':
      return new ContractError({ code: 'not-found', message: ensureSentence(error.message) })
    case 'duplicate-account':
      return new ContractError({ code: 'invalid-argument', message: ensureSentence(error.message) })
    default:
      return new ContractError({ code: 'storage', message: ensureSentence(error.message) })
  }
}

function ensureSentence(text: string): string {
  const t = text.trim()
  if (t === '') return 'Something went wrong.'
  return /[.!?…)]$/.test(t) ? t : `${t}.`
}
