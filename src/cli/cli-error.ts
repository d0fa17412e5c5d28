import { EXIT, type ExitCode } from './exit-codes'

/** A failure of the command line itself (not of the service): a sentence and an exit code. */
export class CliError extends Error {
  override readonly name = 'CliError'
  readonly exitCode: ExitCode

  constructor(kind: 'usage' | 'cancelled' | 'notFound' | 'auth' | 'plainHttp' | 'trustRequired', message: string) {
    super(message)
    this.exitCode = EXIT[kind]
  }
}
