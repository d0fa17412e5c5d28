/**
 * `latchkey`: the command-line twin of the app. Built to out/cli/latchkey.js (`npx latchkey`
 * after `npm run build`); in development `npx tsx src/cli/latchkey.ts`.
 *
 * `--version` alone is answered here, before commander or anything else is loaded, and `check`
 * opens its connections here (./check-early.ts); everything else goes to the program, whose
 * commands load what they use (see ./command-kit.ts).
 */
import { VERSION } from './version'

const argv = process.argv.slice(2)

if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${VERSION}\n`)
} else {
  // `check` opens its connections first, so that their handshakes overlap everything below (issue 13).
  if (argv[0] === 'check') {
    ;(await import('./check-early')).prepareCheck(process.env)
    // One turn of the event loop, so that the connections are really asked for: Node does that in
    // its next tick, and the program's modules load synchronously, without letting a tick run.
    await new Promise((resolve) => setImmediate(resolve))
    // Then the keychain's first call, which is slow, goes out before those modules load too.
    await (await import('./service')).openKeychainEarly(process.env)
  }
  const { run } = await import('./program')
  const code = await run(argv, {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  }, { createService: async (io, hints) => (await import('./service')).createCliService(io, hints) })

  // Let pending output drain rather than calling process.exit(), which can cut a piped stdout short.
  process.exitCode = code
}
