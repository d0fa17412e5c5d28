/**
 * What every command file shares: where output goes (`out`, `json`, `say`, `print`), the service
 * (built on first use), the account list read straight from accounts.json (for commands that need
 * no token), the selected account, passwords, User-Interactive Authentication and confirmations.
 *
 * Nothing heavy is imported here: the service, the network stack and the keychain are loaded by
 * `service()` only, so `latchkey accounts` and `--help` never pay for them.
 */
import type { Writable } from 'node:stream'
import type { Command } from 'commander'
import type { SessionService } from '../main/service'
import type { Account, UiaAuth } from '../shared/contract'
import { ContractError } from '../shared/errors'
import type { AccountFile } from './account-file'
import { CliError } from './cli-error'
import type { ExitCode } from './exit-codes'
import { confirm, promptSecret, readSecretFromStdin, type TtyInput } from './prompt'
import { MEMORY_SWITCH_WARNING, memorySwitchOn } from './secret-store-switch'
import { selectAccount } from './select'
import { jsonForTerminal } from './terminal'

export interface CliIo {
  stdin: TtyInput
  stdout: Writable
  stderr: Writable
  env: NodeJS.ProcessEnv
}

export interface CliDeps {
  /** Builds the service on first use; `--help` and usage errors never open the account file. */
  createService: (io: CliIo, hints?: ServiceHints) => Promise<SessionService>
  /** Ctrl+C: the CLI cancels a waiting SSO sign-in. Default: process SIGINT. */
  onInterrupt?: (handler: () => void) => () => void
}

export const ACCOUNT_HELP = 'account id, user id or label (default: the active account)'

export interface JsonOption {
  json?: boolean
}
export interface AccountOption {
  account?: string
}
export interface UiaOptions {
  passwordStdin?: boolean
  sso?: boolean
}
export interface YesOption {
  yes?: boolean
}
/** issue 9 §5: go ahead over plain http:// to another computer without asking. */
export interface PlainHttpOption {
  allowPlainHttp?: boolean
}
export const ALLOW_PLAIN_HTTP_HELP =
  'go ahead when the server is reached over plain http:// on another computer (the password or token crosses the network unencrypted)'

/** issue 9 §2: accept one homeserver host that the account's own server does not vouch for. */
export interface TrustOption {
  trustServer?: string
}
export const TRUST_SERVER_HELP =
  "accept this homeserver host (e.g. chat.example.net) although the account's own server does not name it as its homeserver; only the host the sign-in asks about is accepted"

/** The host a password goes to (a base URL's host[:port]), for the question that asks for it. */
export function passwordPrompt(who: string, baseUrl: string): string {
  const host = URL.canParse(baseUrl) ? new URL(baseUrl).host : baseUrl
  return `Password for ${who} (sent to ${host}): `
}

/** What a command knows before the service is built, so that it can be prepared while it loads. */
export interface ServiceHints {
  /** The sessions whose tokens the command will read: they are read from the keychain at once. */
  readAhead?: ReadonlyArray<{ userId: string; deviceId: string }>
}

export interface CommandKit {
  readonly io: CliIo
  /** The SessionService (network, keychain), built on first use (`hints` count only then). */
  service(hints?: ServiceHints): Promise<SessionService>
  /** accounts.json alone: listing, switching and relabelling without the keychain or the network. */
  accountFile(): Promise<AccountFile>
  /** A line on stdout. */
  out(text: string): void
  /** JSON on stdout. */
  json(value: unknown): void
  /** A line on stderr: notices, progress, questions. */
  say(text: string): void
  /** The contract's JSON with --json (what scripts read), else the sentence or table for a person. */
  print(opts: JsonOption, value: unknown, text: () => string): void
  /** The service, and the account --account names (the active one when it is not given). */
  selected(opts: AccountOption): Promise<{ svc: SessionService; account: Account }>
  /** The account --account names, from accounts.json alone. */
  selectedFromFile(opts: AccountOption): Promise<Account>
  /** --password-stdin reads it from standard input; otherwise it is asked for with echo off. */
  readPassword(opts: { passwordStdin?: boolean }, prompt: string): Promise<string>
  /** The call, answering the server's User-Interactive Authentication once if it asks. */
  withUia<T>(account: Account, opts: UiaOptions, call: (auth?: UiaAuth) => Promise<T>): Promise<T>
  /**
   * A sign-in that the service refuses as `plain-http` (a password or token would go unencrypted
   * to another computer): asked on a terminal, else refused with exit 11 unless --allow-plain-http.
   * `call` gets `{ allowPlainHttp: true }` once the person (or the flag) said yes.
   */
  withPlainHttpConsent<T>(opts: PlainHttpOption, call: (allow: { allowPlainHttp?: true }) => Promise<T>): Promise<T>
  /**
   * A sign-in that the service answers `trust-required` (the user id's server does not vouch for
   * the homeserver): asked on a terminal, else refused with exit 12 unless --trust-server names
   * that host. `call` gets `{ trustServer }` once the person (or the option) named it.
   */
  withTrust<T>(opts: TrustOption, call: (trust: { trustServer?: string }) => Promise<T>): Promise<T>
  /** Asks before what cannot be undone, unless --yes; a "no" ends the command with `nothingDone`. */
  confirmUnlessYes(opts: YesOption, question: string, nothingDone: string): Promise<void>
  /** The exit code when the command itself succeeds (check's statuses, a pending logout). */
  setExitCode(code: ExitCode): void
  /** Ctrl+C while `handler` is wanted; returns the function that stops listening. */
  onInterrupt(handler: () => void): () => void
}

/** A command file's one export: adds its command (name, arguments, options, help, action) to the program. */
export type RegisterCommand = (program: Command, kit: CommandKit) => void

/** The kit for one run, and what the run needs back from it. */
export function createKit(io: CliIo, deps: CliDeps): { kit: CommandKit; exitCode: () => ExitCode; close: () => Promise<void> } {
  let service: SessionService | undefined
  let file: AccountFile | undefined
  let exitCode: ExitCode = 0
  let switchChecked = false
  const said = new Set<string>()

  const out = (text: string): void => {
    io.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }
  const json = (value: unknown): void => out(jsonForTerminal(JSON.stringify(value, null, 2)))
  const say = (text: string): void => {
    io.stderr.write(`${text}\n`)
  }
  /** Storage notices are said once per run, before anything else, however the list was opened. */
  const sayOnce = (notice: string | undefined): void => {
    if (notice && !said.has(notice)) {
      said.add(notice)
      say(notice)
    }
  }
  /** The test switch: checked (and its warning said) once, before any store is opened. */
  const memorySwitch = (): boolean => {
    const on = memorySwitchOn(io.env)
    if (on && !switchChecked) say(MEMORY_SWITCH_WARNING)
    switchChecked = true
    return on
  }

  const kit: CommandKit = {
    io,
    async service(hints) {
      if (service) return service
      memorySwitch()
      service = await deps.createService(io, hints)
      // Say once, before anything else, when tokens cannot be kept (no keychain) or the list was reset.
      sayOnce((await service.listAccounts(undefined)).storageNotice)
      service.onEvent((event, payload) => {
        if (event === 'notice') {
          const notice = payload as { message: string }
          io.stderr.write(`${notice.message}\n`)
        } else if (event === 'progress') {
          const p = payload as { operation: string; done: number; total: number }
          if (p.operation === 'signOutDevices') io.stderr.write(`Signed out ${p.done} of ${p.total} devices.\n`)
        }
      })
      return service
    },
    async accountFile() {
      if (file) return file
      const on = memorySwitch()
      const { guessStorage, openAccountFile } = await import('./account-file')
      const opened = openAccountFile(io.env, guessStorage(on))
      sayOnce((await opened.list()).storageNotice)
      file = opened
      return file
    },
    out,
    json,
    say,
    print(opts, value, text) {
      if (opts.json) json(value)
      else out(text())
    },
    async selected(opts) {
      const svc = await kit.service()
      return { svc, account: selectAccount(await svc.listAccounts(undefined), opts.account) }
    },
    async selectedFromFile(opts) {
      return selectAccount(await (await kit.accountFile()).list(), opts.account)
    },
    readPassword(opts, prompt) {
      return opts.passwordStdin ? readSecretFromStdin(io.stdin) : promptSecret(prompt, io.stdin, io.stderr)
    },
    /**
     * Tries the call; when the server wants User-Interactive Authentication, answers it once:
     * the password (asked or from stdin) or the browser. With --password-stdin the password is
     * read first, so it goes with the first attempt.
     */
    async withUia(account, opts, call) {
      if (opts.sso) return call({ type: 'sso' })
      if (opts.passwordStdin) return call({ type: 'password', password: await readSecretFromStdin(io.stdin) })
      try {
        return await call()
      } catch (error) {
        if (!(error instanceof ContractError) || error.code !== 'auth-required') throw error
        const stages = error.authStages ?? []
        if (stages.includes('m.login.password')) {
          if (!io.stdin.isTTY) {
            throw new CliError('auth', `${error.message.replace(/\.$/, '')}: pipe it in with --password-stdin (or use --sso where the server allows it).`)
          }
          const password = await promptSecret(`${error.message} ${passwordPrompt(account.userId, account.homeserverUrl)}`, io.stdin, io.stderr)
          return call({ type: 'password', password })
        }
        if (stages.includes('m.login.sso')) {
          say(error.message)
          return call({ type: 'sso' })
        }
        throw error
      }
    },
    async withPlainHttpConsent(opts, call) {
      if (opts.allowPlainHttp) return call({ allowPlainHttp: true })
      try {
        return await call({})
      } catch (error) {
        if (!(error instanceof ContractError) || error.code !== 'plain-http') throw error
        if (!io.stdin.isTTY) throw new CliError('plainHttp', `${error.message} Pass --allow-plain-http to go ahead anyway.`)
        if (!(await confirm(`${error.message} Continue without encryption?`, io.stdin, io.stderr))) {
          throw new CliError('cancelled', 'Nothing was sent.')
        }
        return call({ allowPlainHttp: true })
      }
    },
    async withTrust(opts, call) {
      try {
        return await call(opts.trustServer === undefined ? {} : { trustServer: opts.trustServer })
      } catch (error) {
        if (!(error instanceof ContractError) || error.code !== 'trust-required' || !error.trust) throw error
        const { host, userId } = error.trust
        if (!io.stdin.isTTY) throw new CliError('trustRequired', `${error.message} To go ahead, run it again with --trust-server ${host}.`)
        if (!(await confirm(`${error.message} Trust ${host} with ${userId}?`, io.stdin, io.stderr))) {
          throw new CliError('cancelled', 'Nothing was added.')
        }
        return call({ trustServer: host })
      }
    },
    async confirmUnlessYes(opts, question, nothingDone) {
      if (opts.yes) return
      if (!(await confirm(question, io.stdin, io.stderr))) throw new CliError('cancelled', nothingDone)
    },
    setExitCode(code) {
      exitCode = code
    },
    onInterrupt(handler) {
      return (deps.onInterrupt ?? onSigint)(handler)
    },
  }
  return { kit, exitCode: () => exitCode, close: async () => service?.close() }
}

function onSigint(handler: () => void): () => void {
  process.on('SIGINT', handler)
  return () => {
    process.off('SIGINT', handler)
  }
}
