/**
 * Runs the real command line in a child process, as a person would (`npx tsx src/cli/latchkey.ts`,
 * minus npm's own start-up: the same tsx, run by the same Node), and records everything it
 * printed for the token-confinement scan.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'

export const ROOT = path.resolve(import.meta.dirname, '../..')
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs')
const ENTRY = path.join(ROOT, 'src', 'cli', 'latchkey.ts')

export interface CliRun {
  args: string[]
  code: number | null
  stdout: string
  stderr: string
}

/** Every run's output, for the scan at the end of a suite. */
export const outputs: CliRun[] = []

/** A CLI run still going: its output so far, a way to wait for a line, a signal, and its end. */
export interface LiveCli {
  readonly output: { stdout: string; stderr: string }
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>
  kill(signal: NodeJS.Signals): void
  done: Promise<CliRun>
}

export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}): LiveCli {
  const child = spawn(process.execPath, [TSX, ENTRY, ...args], {
    cwd: ROOT,
    env: { ...process.env, BROWSER: 'none', NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const output = { stdout: '', stderr: '' }
  const waiters: Array<() => void> = []
  const poke = (): void => waiters.splice(0).forEach((w) => w())
  child.stdout.on('data', (c: Buffer) => ((output.stdout += c.toString()), poke()))
  child.stderr.on('data', (c: Buffer) => ((output.stderr += c.toString()), poke()))
  child.stdin.end(options.stdin ?? '')
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      const run = { args, code, ...output }
      outputs.push(run)
      poke()
      resolve(run)
    })
  })
  return {
    output,
    waitFor(pattern, stream = 'stderr') {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = output[stream].match(pattern)
          if (match) return resolve(match)
          if (child.exitCode !== null) return reject(new Error(`the CLI ended without printing ${pattern}: ${output.stderr}`))
          waiters.push(check)
        }
        check()
      })
    },
    kill: (signal) => void child.kill(signal),
    done,
  }
}

export function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; stdin?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, ENTRY, ...args], {
      cwd: ROOT,
      env: { ...process.env, BROWSER: 'none', NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      const run = { args, code, stdout, stderr }
      outputs.push(run)
      resolve(run)
    })
    child.stdin.end(options.stdin ?? '')
  })
}
