/**
 * The one error shape that crosses a process boundary (IPC, the e2e binding, the CLI's output).
 * It carries a code a program can branch on and a sentence a person can act on — never a stack
 * trace, never a token.
 */
export const ERROR_CODES = [
  /** The call's argument did not match the contract. */
  'invalid-argument',
  /** No such channel, or a sender that is not the app's own frame. */
  'forbidden',
  /** The server wants the user to authenticate again (User-Interactive Authentication). */
  'auth-required',
  /** The password (or other credential) was refused. */
  'wrong-credentials',
  /** The server asked us to slow down; `retryAfterMs` says for how long. */
  'rate-limited',
  /** The server could not be reached, or did not answer in time. */
  'unreachable',
  /** The server answered with something that is not what the spec describes. */
  'bad-response',
  /** The server answered with an error we do not map to anything more specific. */
  'server-error',
  /** The session ended on the server; the account can sign in again on the same device. */
  'soft-logged-out',
  /** The session ended on the server for good. */
  'logged-out',
  /** The account is locked by the server administrator. */
  'locked',
  /** The server does not offer this (for example, no login tokens, or devices managed on the web). */
  'unsupported',
  /** No account, device or request with that id. */
  'not-found',
  /** The user (or the app) cancelled. */
  'cancelled',
  /** The keychain or the account file failed. */
  'storage',
  /** A bug in Latchkey. The message says so plainly. */
  'internal',
  // issue 9 §5
  /**
   * A password or token would go over plain http:// to a server off this machine. The message says
   * so in one sentence; the person confirms, and the call comes again with `allowPlainHttp: true`.
   */
  'plain-http',
  // issue 9 §2, §4 (helper trust): a session that does not belong to the server that made it.
  /**
   * The user id's server does not vouch for the homeserver (no usable well-known file): the
   * person must confirm `trust.host`, then call again with `trustServer: trust.host`.
   */
  'trust-required',
  /**
   * The server answered for someone it may not: the user id's server names another homeserver,
   * the login code was for another user, or the account is already in the list. Nothing was kept.
   */
  'mismatch',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

/** Plain data, so it survives structured cloning across IPC and Playwright bindings. */
export interface ContractErrorData {
  code: ErrorCode
  message: string
  retryAfterMs?: number
  /** For `auth-required`: the stages the server accepts, e.g. ['m.login.password'] or ['m.login.sso']. */
  authStages?: string[]
  /** For `unsupported`: where the person can do it instead (an account-management web page). */
  url?: string
  /**
   * The protocol's own words (status code, path, errcode) for whoever wants them: the renderer
   * shows them behind "Details", after `message` in a person's words (issue 12).
   */
  detail?: string
  /** For `trust-required`: whom the session is for, and the host the person is asked to trust. */
  trust?: TrustQuestion
}

/** issue 9 §2: "@alice:example.org is served by chat.example.net, which example.org does not vouch for". */
export interface TrustQuestion {
  userId: string
  /** The user id's server name. */
  serverName: string
  /** The homeserver's host (host[:port] of its base URL): what `trustServer` must name. */
  host: string
}

export class ContractError extends Error implements ContractErrorData {
  override readonly name = 'ContractError'
  readonly code: ErrorCode
  readonly retryAfterMs?: number
  readonly authStages?: string[]
  readonly url?: string
  readonly detail?: string
  readonly trust?: TrustQuestion

  constructor(data: ContractErrorData) {
    super(data.message)
    this.code = data.code
    if (data.retryAfterMs !== undefined) this.retryAfterMs = data.retryAfterMs
    if (data.authStages !== undefined) this.authStages = data.authStages
    if (data.url !== undefined) this.url = data.url
    if (data.detail !== undefined) this.detail = data.detail
    if (data.trust !== undefined) this.trust = { ...data.trust }
  }

  toData(): ContractErrorData {
    const data: ContractErrorData = { code: this.code, message: this.message }
    if (this.retryAfterMs !== undefined) data.retryAfterMs = this.retryAfterMs
    if (this.authStages !== undefined) data.authStages = this.authStages
    if (this.url !== undefined) data.url = this.url
    if (this.detail !== undefined) data.detail = this.detail
    if (this.trust !== undefined) data.trust = { ...this.trust }
    return data
  }

  static isData(value: unknown): value is ContractErrorData {
    if (typeof value !== 'object' || value === null) return false
    const v = value as Record<string, unknown>
    return (
      typeof v.message === 'string' && (ERROR_CODES as readonly unknown[]).includes(v.code)
    )
  }
}

/** What every call answers across a boundary: a value, or a typed error. Never a thrown stack. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ContractErrorData }
