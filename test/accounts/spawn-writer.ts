/** Starts `registry-writer.ts` in a child process and follows what it prints. */
import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'

export interface WriterOptions {
  /** The data folder the child writes to. */
  dir: string
  /** How many accounts it adds, one write each. */
  count: number
  /** Distinguishes its accounts: `@<prefix>-<i>:example.org`. */
  prefix: string
  staleLockMs?: number
  /** Take the lock and wait inside it forever (prints "holding"). */
  hold?: boolean
}

export interface WriterProcess {
  readonly child: ChildProcess
  /** Ids whose write had returned when the child printed them, in order. */
  readonly ids: string[]
  readonly stderr: () => string
  /** Resolves when the child printed `n` ids (or the line "holding" when n is 0 and hold is set). */
  waitForLines(n: number): Promise<void>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const script = fileURLToPath(new URL('./registry-writer.ts', import.meta.url))
// An absolute URL, so the child finds tsx whatever its working directory.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

export function spawnRegistryWriter(options: WriterOptions): WriterProcess {
  const args = ['--import', tsxLoader, script, options.dir, String(options.count), options.prefix]
  if (options.staleLockMs !== undefined) args.push('--stale-ms', String(options.staleLockMs))
  if (options.hold) args.push('--hold')
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const ids: string[] = []
  let lines = 0
  let pending = ''
  let errors = ''
  const waiters: Array<{ n: number; resolve: () => void; reject: (error: Error) => void }> = []
  const settle = () => {
    for (const waiter of [...waiters]) {
      if (lines >= waiter.n) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
    }
  }
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk
    const parts = pending.split('\n')
    pending = parts.pop()!
    for (const line of parts) {
      lines++
      if (line !== 'holding') ids.push(line)
    }
    settle()
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      for (const waiter of waiters.splice(0)) {
        waiter.reject(new Error(`the writer exited (${signal ?? code}) after ${lines} lines: ${errors.trim()}`))
      }
      resolve({ code, signal })
    })
  })
  return {
    child,
    ids,
    stderr: () => errors,
    exited,
    waitForLines: (n) =>
      new Promise<void>((resolve, reject) => {
        if (lines >= n) return resolve()
        if (child.exitCode !== null || child.signalCode !== null) {
          return reject(new Error(`the writer already exited after ${lines} lines: ${errors.trim()}`))
        }
        waiters.push({ n, resolve, reject })
      }),
  }
}
