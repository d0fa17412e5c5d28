/**
 * A bench's test homeserver in a process of its own, as a real one is: on another machine, its
 * work never on the measured process's thread nor on the proxy's.
 *
 * The script it runs (./latency-homeserver.ts, ./review-homeserver.ts) starts the homeserver and
 * hands it to `serveHomeserverProcess`: that prints one JSON line `{ "url": … }` when it listens,
 * answers each `cpu` line on standard input with `{ "cpuMs": … }` (the process's own count, to the
 * microsecond), and stops the homeserver when standard input closes.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'

export interface HomeserverProcess {
  url: string
  /** CPU milliseconds (user and system) the homeserver's process has spent so far. */
  cpuMs(): Promise<number>
  close(): Promise<void>
}

export async function startHomeserverProcess(script: string, args: string[]): Promise<HomeserverProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout! })
  const [first] = (await once(lines, 'line')) as [string]
  const exited = once(child, 'exit')
  // Answers come in the order they were asked for.
  const waiting: Array<(cpuMs: number) => void> = []
  lines.on('line', (line) => waiting.shift()?.((JSON.parse(line) as { cpuMs: number }).cpuMs))
  return {
    url: (JSON.parse(first) as { url: string }).url,
    cpuMs: () =>
      new Promise((resolve) => {
        waiting.push(resolve)
        child.stdin!.write('cpu\n')
      }),
    close: async () => {
      child.stdin!.end()
      await exited
    },
  }
}

/** In the homeserver's process: the other end of `startHomeserverProcess`. */
export function serveHomeserverProcess(hs: { url: string; close(): Promise<void> }): void {
  process.stdout.write(`${JSON.stringify({ url: hs.url })}\n`)
  const commands = createInterface({ input: process.stdin })
  commands.on('line', (line) => {
    if (line.trim() !== 'cpu') return
    const used = process.cpuUsage()
    process.stdout.write(`${JSON.stringify({ cpuMs: (used.user + used.system) / 1000 })}\n`)
  })
  commands.on('close', () => void hs.close().then(() => process.exit(0)))
}
