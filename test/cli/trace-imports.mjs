// Loaded with `node --import`: prints every module the process resolves, one `LOAD <url>` line
// each on stderr, so a test can tell what a command loaded (src/cli/start-up.test.ts).
//
// The hook runs on the loader's own thread, where `process.stderr.write` is handed to the main
// thread asynchronously and is lost when a command ends with `process.exit` (`--help` does): the
// line is written to file descriptor 2 directly, synchronously, instead.
import { register } from 'node:module'

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { writeSync } from 'node:fs'
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  writeSync(2, 'LOAD ' + resolved.url + '\\n')
  return resolved
}`),
)
