// Loaded with `node --import`: prints every module the process resolves, one `LOAD <url>` line
// each on stderr, so a test can tell what a command loaded (src/cli/start-up.test.ts).
import { register } from 'node:module'

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  process.stderr.write('LOAD ' + resolved.url + '\\n')
  return resolved
}`),
)
