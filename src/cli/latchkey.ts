/**
 * `latchkey`: the command-line twin of the app. Built to out/cli/latchkey.js (`npx latchkey`
 * after `npm run build`); in development `npx tsx src/cli/latchkey.ts`.
 */
import { run } from './program'
import { createCliService } from './service'

const code = await run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}, { createService: createCliService })

// Let pending output drain rather than calling process.exit(), which can cut a piped stdout short.
process.exitCode = code
