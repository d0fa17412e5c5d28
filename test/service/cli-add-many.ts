/**
 * A child process that runs the command line's own code `count` times at once:
 * `latchkey add <server> <user> --password-stdin`, each with its own service, as `count` quick
 * invocations would. Prints one JSON line: how many exited 0 and every other exit code.
 *
 *   LATCHKEY_HOME=… LATCHKEY_SECRET_STORE=memory tsx test/service/cli-add-many.ts <server> <user> <count>
 * The password comes on standard input.
 */
import { PassThrough, Readable } from 'node:stream'
import { run } from '../../src/cli/program'
import { createCliService } from '../../src/cli/service'

const [server, user, countText] = process.argv.slice(2)
const count = Number(countText)
const chunks: Buffer[] = []
for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
const password = Buffer.concat(chunks).toString('utf8').trim()

const codes = await Promise.all(
  Array.from({ length: count }, () => {
    const sink = new PassThrough()
    sink.resume()
    return run(['add', server!, user!, '--password-stdin'], { stdin: Readable.from([password]), stdout: sink, stderr: sink, env: process.env }, { createService: createCliService })
  }),
)
process.stdout.write(`${JSON.stringify({ ok: codes.filter((c) => c === 0).length, others: codes.filter((c) => c !== 0) })}\n`)
