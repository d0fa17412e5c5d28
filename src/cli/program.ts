/**
 * The `latchkey` command line: the same SessionService as the app, behind commander. Results go
 * to stdout (a table, or the contract's JSON with --json); prompts, notices and progress to
 * stderr; every failure is one sentence on stderr and an exit code from ./exit-codes.
 *
 * Each command is a file in ./commands; what they share is in ./command-kit. This file builds the
 * program, runs it and turns whatever went wrong into a sentence and an exit code.
 */
import { Command, CommanderError } from 'commander'
import { ContractError } from '../shared/errors'
import { CliError } from './cli-error'
import { createKit, type CliDeps, type CliIo } from './command-kit'
import { COMMANDS } from './commands'
import { EXIT, EXIT_CODES_HELP, exitCodeFor, type ExitCode } from './exit-codes'
import { terminalStream } from './terminal'
import { VERSION } from './version'

export type { CliDeps, CliIo } from './command-kit'

export async function run(argv: readonly string[], rawIo: CliIo, deps: CliDeps): Promise<ExitCode> {
  // Whatever is printed, a server's words among it cannot drive the terminal (see ./terminal).
  const io: CliIo = { ...rawIo, stdout: terminalStream(rawIo.stdout), stderr: terminalStream(rawIo.stderr) }
  const { kit, exitCode, close } = createKit(io, deps)
  const program = buildProgram(io)
  // A known command name first: register that command alone (its help, options and errors are the
  // same either way). Anything else — --help, `help`, a typo commander suggests a name for — gets all.
  const named = COMMANDS.find(([name]) => name === argv[0])
  for (const [, register] of named ? [named] : COMMANDS) register(program, kit)
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return exitCode()
  } catch (error) {
    return report(error, io)
  } finally {
    await close()
  }
}

function buildProgram(io: CliIo): Command {
  const program = new Command('latchkey')
  program
    .description('Manage Matrix logins: accounts on many servers, their devices, and login tokens for new devices.')
    .addHelpText(
      'after',
      `\nAccounts are kept in accounts.json in the data folder (LATCHKEY_HOME overrides it); tokens in the OS keychain.\n` +
        `LATCHKEY_DEBUG=1 adds, below an error's sentence, the protocol's details (the request, the server's answer).\n\n${EXIT_CODES_HELP}`,
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
    // The protocol's own words (paths, status codes) stay out of the sentence; asked for, they follow it.
    if (io.env.LATCHKEY_DEBUG === '1' && error.detail) io.stderr.write(`Details: ${oneLine(error.detail)}\n`)
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
