/**
 * The `latchkey` command line: the same SessionService as the app, behind commander. Results go
 * to stdout (a table, or the contract's JSON with --json); prompts, notices and progress to
 * stderr; every failure is one sentence on stderr and an exit code from ./exit-codes.
 */
import type { Writable } from 'node:stream'
import { Command, CommanderError } from 'commander'
import QRCode from 'qrcode'
import pkg from '../../package.json' with { type: 'json' }
import type { SessionService } from '../main/service'
import type { Account, UiaAuth } from '../shared/contract'
import { ContractError } from '../shared/errors'
import { CliError } from './cli-error'
import { EXIT, EXIT_CODES_HELP, exitCodeFor, exitCodeForStatuses, type ExitCode } from './exit-codes'
import { accountName, formatAccounts, formatDevices, formatDiscovery, formatExpiry } from './format'
import { confirm, promptSecret, readSecretFromStdin, type TtyInput } from './prompt'
import { selectAccount } from './select'

export interface CliIo {
  stdin: TtyInput
  stdout: Writable
  stderr: Writable
  env: NodeJS.ProcessEnv
}

export interface CliDeps {
  /** Builds the service on first use; `--help` and usage errors never open the account file. */
  createService: (io: CliIo) => Promise<SessionService>
  /** Ctrl+C: the CLI cancels a waiting SSO sign-in. Default: process SIGINT. */
  onInterrupt?: (handler: () => void) => () => void
}

const ACCOUNT_HELP = 'account id, user id or label (default: the active account)'

interface JsonOption {
  json?: boolean
}
interface AccountOption {
  account?: string
}
interface UiaOptions {
  passwordStdin?: boolean
  sso?: boolean
}

export async function run(argv: readonly string[], io: CliIo, deps: CliDeps): Promise<ExitCode> {
  let service: SessionService | undefined
  let exitCode: ExitCode = EXIT.ok
  const getService = async (): Promise<SessionService> => {
    if (service) return service
    service = await deps.createService(io)
    // Say once, before anything else, when tokens cannot be kept (no keychain) or the list was reset.
    const { storageNotice } = await service.listAccounts(undefined)
    if (storageNotice) say(storageNotice)
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
  }
  const out = (text: string): void => {
    io.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }
  const json = (value: unknown): void => out(JSON.stringify(value, null, 2))
  const say = (text: string): void => {
    io.stderr.write(`${text}\n`)
  }
  /** The contract's JSON with --json (what scripts read), else the sentence or table for a person. */
  const print = (opts: JsonOption, value: unknown, text: () => string): void => {
    if (opts.json) json(value)
    else out(text())
  }
  /** The service, and the account --account names (the active one when it is not given). */
  const selected = async (opts: AccountOption): Promise<{ svc: SessionService; account: Account }> => {
    const svc = await getService()
    return { svc, account: selectAccount(await svc.listAccounts(undefined), opts.account) }
  }

  const program = buildProgram(io)

  program
    .command('accounts')
    .description('List the accounts, marking the active one with *.')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption) => {
      const snapshot = await (await getService()).listAccounts(undefined)
      print(opts, snapshot, () => formatAccounts(snapshot))
    })

  program
    .command('discover')
    .description('Show what a server offers: its address, versions and ways to sign in.')
    .argument('<server>', 'server name or URL, e.g. example.org')
    .option('--json', 'print JSON')
    .action(async (server: string, opts: JsonOption) => {
      const found = await (await getService()).discover({ server })
      print(opts, found, () => formatDiscovery(found))
    })

  program
    .command('add')
    .description('Sign in with a password and add the account. The password is asked for on the terminal (echo off) or read from standard input with --password-stdin; never give it on the command line.')
    .argument('<server>', 'server name or URL, e.g. example.org')
    .argument('<user>', 'user name or user id (@name:server); with --email an address, with --phone a number')
    .option('--email', '<user> is an e-mail address')
    .option('--phone <country>', '<user> is a phone number; give its two-letter country code')
    .option('--password-stdin', 'read the password from standard input')
    .option('--device-name <name>', 'the name this session shows in device lists')
    .option('--json', 'print JSON')
    .action(async (server: string, user: string, opts: JsonOption & { email?: boolean; phone?: string; passwordStdin?: boolean; deviceName?: string }) => {
      if (opts.email && opts.phone) throw new CliError('usage', 'Choose either --email or --phone, not both.')
      const identifier = opts.email
        ? ({ kind: 'email', address: user } as const)
        : opts.phone
          ? ({ kind: 'phone', country: opts.phone.toUpperCase(), phone: user } as const)
          : ({ kind: 'user', user } as const)
      const password = await readPassword(opts, `Password for ${user} on ${server}: `)
      const account = await (await getService()).addWithPassword({
        server,
        identifier,
        password,
        ...(opts.deviceName === undefined ? {} : { deviceName: opts.deviceName }),
      })
      print(opts, account, () => `Added ${account.userId} (device ${account.deviceId}) as account ${account.id}.`)
    })

  program
    .command('sso')
    .description('Sign in through the server\'s single sign-on in your browser and add the account (Ctrl+C cancels). With --account, sign that account in again on the same device.')
    .argument('[server]', 'server name or URL (not needed with --account)')
    .option('--idp <id>', 'the identity provider to use (see latchkey discover)')
    .option('--account <ref>', 'sign this account in again on its own server (after a soft logout)')
    .option('--json', 'print JSON')
    .action(async (server: string | undefined, opts: JsonOption & AccountOption & { idp?: string }) => {
      if (server === undefined && opts.account === undefined) {
        throw new CliError('usage', 'Name the server to sign in to, or give --account to sign an account in again.')
      }
      const svc = await getService()
      const account = opts.account === undefined ? undefined : selectAccount(await svc.listAccounts(undefined), opts.account)
      const { requestId } = await svc.beginSso({
        server: server ?? account?.homeserverUrl ?? '',
        ...(opts.idp === undefined ? {} : { idpId: opts.idp }),
        ...(account === undefined ? {} : { accountId: account.id }),
      })
      say('Waiting for the browser to come back (Ctrl+C cancels)…')
      const stop = (deps.onInterrupt ?? onSigint)(() => {
        void svc.cancelSso({ requestId })
      })
      try {
        const signedIn = await svc.completeSso({ requestId })
        print(opts, signedIn, () => `Signed in as ${signedIn.userId} (device ${signedIn.deviceId}), account ${signedIn.id}.`)
      } finally {
        stop()
      }
    })

  program
    .command('login-token')
    .description('Add an account from a login code made on another device (latchkey://login?…, as printed by latchkey token). Give - to read it from standard input.')
    .argument('<payload>', 'the latchkey://login?… code, a bare token with --server, or -')
    .option('--server <server>', 'the server, when <payload> is a bare token')
    .option('--json', 'print JSON')
    .action(async (payload: string, opts: JsonOption & { server?: string }) => {
      const text = payload === '-' ? await readSecretFromStdin(io.stdin, 'login code') : payload
      const account = await (await getService()).addWithLoginToken({
        payload: text,
        ...(opts.server === undefined ? {} : { server: opts.server }),
      })
      print(opts, account, () => `Added ${account.userId} (device ${account.deviceId}) as account ${account.id}.`)
    })

  program
    .command('switch')
    .description('Make an account the active one.')
    .argument('<account>', 'account id, user id or label')
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: JsonOption) => {
      const { svc, account } = await selected({ account: ref })
      const snapshot = await svc.setActive({ accountId: account.id })
      print(opts, snapshot, () => `Active account: ${accountName(account)}.`)
    })

  program
    .command('relabel')
    .description('Give an account a label (and colour) of your own; without a label, remove it.')
    .argument('[label]', 'the label')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('--color <hex>', 'a colour such as #3366ff')
    .option('--json', 'print JSON')
    .action(async (label: string | undefined, opts: JsonOption & AccountOption & { color?: string }) => {
      const { svc, account } = await selected(opts)
      const updated = await svc.relabel({
        accountId: account.id,
        // The service leaves a missing label as it is; here, no label means "remove it".
        label: label ?? '',
        ...(opts.color === undefined ? {} : { color: opts.color }),
      })
      print(opts, updated, () => `Account ${updated.id} is now ${accountName(updated)}.`)
    })

  program
    .command('relogin')
    .description('Sign an account in again after a soft logout, keeping its device (password on the terminal or with --password-stdin).')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption & AccountOption & { passwordStdin?: boolean }) => {
      const { svc, account } = await selected(opts)
      const password = await readPassword(opts, `Password for ${account.userId}: `)
      const updated = await svc.reLogin({ accountId: account.id, password })
      print(opts, updated, () => `Signed ${updated.userId} in again on device ${updated.deviceId}.`)
    })

  program
    .command('check')
    .description('Ask every account\'s server whether its session is still valid, and list the statuses. Also retries pending logouts. Exits 8 when an account needs attention, 4 when a server could not be reached, 10 when a logout is still pending.')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption) => {
      const snapshot = await (await getService()).checkAll(undefined)
      print(opts, snapshot, () => formatAccounts(snapshot))
      exitCode = exitCodeForStatuses(snapshot.accounts.map((a) => a.status))
    })

  program
    .command('devices')
    .description('List the devices (sessions) of an account; * marks the one Latchkey uses.')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption & AccountOption) => {
      const { svc, account } = await selected(opts)
      const devices = await svc.listDevices({ accountId: account.id })
      print(opts, devices, () => formatDevices(devices))
    })

  program
    .command('rename-device')
    .description('Rename one of an account\'s devices.')
    .argument('<device-id>', 'the device id')
    .argument('<name>', 'its new display name')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('--json', 'print JSON')
    .action(async (deviceId: string, name: string, opts: JsonOption & AccountOption) => {
      const { svc, account } = await selected(opts)
      const device = await svc.renameDevice({ accountId: account.id, deviceId, displayName: name })
      print(opts, device, () => `Renamed ${device.deviceId} to "${device.displayName ?? name}".`)
    })

  program
    .command('sign-out-devices')
    .description('Sign other devices of an account out. The server usually asks for the password (on the terminal, or --password-stdin) or for confirmation in the browser (--sso). Latchkey\'s own device is signed out with logout instead.')
    .argument('<device-ids...>', 'the devices to sign out')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('--password-stdin', 'read the password from standard input')
    .option('--sso', 'confirm in the browser (accounts without a password)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print JSON')
    .action(async (deviceIds: string[], opts: JsonOption & AccountOption & UiaOptions & { yes?: boolean }) => {
      const { svc, account } = await selected(opts)
      await confirmUnlessYes(opts, `Sign ${deviceIds.length} device(s) of ${account.userId} out?`, 'Nothing was signed out.')
      const result = await withUia(account, opts, (auth) =>
        svc.signOutDevices({ accountId: account.id, deviceIds, ...(auth ? { auth } : {}) }),
      )
      print(opts, result, () => `Signed out ${result.signedOut.length} device(s).`)
    })

  program
    .command('token')
    .description('Make a short-lived login token for signing in on another device: prints a QR code, the latchkey://login?… code and its expiry. The server usually asks for the password first (on the terminal, or --password-stdin; --sso for the browser).')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('--password-stdin', 'read the password from standard input')
    .option('--sso', 'confirm in the browser (accounts without a password)')
    .option('--no-qr', 'do not print the QR code')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption & AccountOption & UiaOptions & { qr?: boolean }) => {
      const { svc, account } = await selected(opts)
      const token = await withUia(account, opts, (auth) =>
        svc.generateLoginToken({ accountId: account.id, ...(auth ? { auth } : {}) }),
      )
      if (opts.json) return json(token)
      if (opts.qr !== false) out(await QRCode.toString(token.payload, { type: 'terminal', small: true }))
      out(token.payload)
      out(`Expires ${formatExpiry(token.expiresAt)}. It works once.`)
    })

  program
    .command('logout')
    .description('Sign the account out on its server, then remove it and its token. When the server cannot be reached the account stays as pending-logout and the next check retries (exit code 10).')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption & AccountOption) => {
      const { svc, account } = await selected(opts)
      const result = await svc.logout({ accountId: account.id })
      print(opts, result, () => result.message)
      if (result.outcome === 'pending-logout') exitCode = EXIT.pending
    })

  program
    .command('logout-all')
    .description('Sign every session of the account out on its server (all its devices), then remove the account.')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption & AccountOption & { yes?: boolean }) => {
      const { svc, account } = await selected(opts)
      await confirmUnlessYes(opts, `Sign out every device of ${account.userId}?`, 'Nothing was signed out.')
      const result = await svc.logoutAll({ accountId: account.id })
      print(opts, result, () => result.message)
      if (result.outcome === 'pending-logout') exitCode = EXIT.pending
    })

  program
    .command('forget')
    .description('Remove an account and its token from this machine WITHOUT signing it out on the server (its session stays valid there).')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption & AccountOption & { yes?: boolean }) => {
      const { svc, account } = await selected(opts)
      await confirmUnlessYes(opts, `Forget ${account.userId} without signing it out on the server?`, 'Nothing was forgotten.')
      const snapshot = await svc.forget({ accountId: account.id })
      print(opts, snapshot, () => `Forgot ${account.userId}; its session on ${account.serverName} was not signed out.`)
    })

  /** Asks before what cannot be undone, unless --yes; a "no" ends the command with nothingDone. */
  async function confirmUnlessYes(opts: { yes?: boolean }, question: string, nothingDone: string): Promise<void> {
    if (opts.yes) return
    if (!(await confirm(question, io.stdin, io.stderr))) throw new CliError('cancelled', nothingDone)
  }

  /** --password-stdin reads it from standard input; otherwise it is asked for with echo off. */
  async function readPassword(opts: { passwordStdin?: boolean }, prompt: string): Promise<string> {
    return opts.passwordStdin ? readSecretFromStdin(io.stdin) : promptSecret(prompt, io.stdin, io.stderr)
  }

  /**
   * Tries the call; when the server wants User-Interactive Authentication, answers it once:
   * the password (asked or from stdin) or the browser. With --password-stdin the password is
   * read first, so it goes with the first attempt.
   */
  async function withUia<T>(account: Account, opts: UiaOptions, call: (auth?: UiaAuth) => Promise<T>): Promise<T> {
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
        const password = await promptSecret(`${error.message} Password for ${account.userId}: `, io.stdin, io.stderr)
        return call({ type: 'password', password })
      }
      if (stages.includes('m.login.sso')) {
        say(error.message)
        return call({ type: 'sso' })
      }
      throw error
    }
  }

  try {
    await program.parseAsync([...argv], { from: 'user' })
    return exitCode
  } catch (error) {
    return report(error, io)
  } finally {
    await service?.close()
  }
}

function buildProgram(io: CliIo): Command {
  const program = new Command('latchkey')
  program
    .description('Manage Matrix logins: accounts on many servers, their devices, and login tokens for new devices.')
    .addHelpText(
      'after',
      `\nAccounts are kept in accounts.json in the data folder (LATCHKEY_HOME overrides it); tokens in the OS keychain.\n\n${EXIT_CODES_HELP}`,
    )
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`${usageSentence(s)}\n`),
    })
    .version(VERSION, '-V, --version', 'print the version')
  // Subcommands made with .command() inherit the output routing, exitOverride and help hint.
  return program
}

const VERSION = pkg.version

function report(error: unknown, io: CliIo): ExitCode {
  if (error instanceof CommanderError) {
    // Commander has already printed its own sentence (or the help).
    if (error.exitCode === 0) return EXIT.ok
    return EXIT.usage
  }
  if (error instanceof CliError) {
    io.stderr.write(`${oneLine(error.message)}\n`)
    return error.exitCode
  }
  if (error instanceof ContractError) {
    io.stderr.write(`${oneLine(error.message)}\n`)
    return exitCodeFor(error.code)
  }
  io.stderr.write('Something went wrong inside Latchkey; nothing was changed. Please report it if it keeps happening.\n')
  if (io.env.LATCHKEY_DEBUG === '1' && error instanceof Error) io.stderr.write(`${error.name}: ${error.message}\n`)
  return EXIT.internal
}

/** Commander's "error: unknown option '--x'\n(Did you mean --y?)" as one sentence with a pointer to --help. */
function usageSentence(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  const [first = 'The command line was not understood', ...rest] = lines
  const main = first
    .replace(/^error:\s*/i, '')
    .replace(/[.]$/, '')
    .replace(/\.\s+([A-Z])/g, (_m, c: string) => `: ${c.toLowerCase()}`)
  const hint = rest.map((l) => l.replace(/^\((.*)\)$/, '$1').replace(/[.?]$/, '')).join('; ')
  const sentence = `${main.charAt(0).toUpperCase()}${main.slice(1)}${hint ? ` (${hint.charAt(0).toLowerCase()}${hint.slice(1)}?)` : ''}`
  return `${sentence}; see latchkey --help.`
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

function onSigint(handler: () => void): () => void {
  process.on('SIGINT', handler)
  return () => {
    process.off('SIGINT', handler)
  }
}

