/**
 * One run of the CLI inside the test process, over a service harness's data folder, secrets and
 * scripted browser: commands that span several runs share tokens without a keychain.
 */
import { PassThrough, Writable } from 'node:stream'
import { createSessionService } from '../../src/main/service'
import { run, type CliIo } from '../../src/cli/program'
import type { Harness } from '../service/harness'

export async function cliInProcess(h: Harness, args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const input = new PassThrough()
  input.end(stdin)
  const io: CliIo = {
    stdin: input,
    stdout: new Writable({ write: (c: Buffer, _e, done) => ((stdout += c.toString()), done()) }),
    stderr: new Writable({ write: (c: Buffer, _e, done) => ((stderr += c.toString()), done()) }),
    env: { LATCHKEY_HOME: h.dir },
  }
  const code = await run(args, io, {
    createService: () =>
      createSessionService({ dataDir: h.dir, secrets: h.secrets, watchAccounts: false, deviceName: 'Latchkey CLI test', openExternal: (url) => h.browser.open(url) }),
  })
  return { code, stdout, stderr }
}
