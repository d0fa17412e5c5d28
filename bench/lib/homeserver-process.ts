/**
 * A bench's test homeserver in a process of its own, as a real one is: on another machine, its
 * work never on the measured process's thread nor on the proxy's. The script it runs starts the
 * homeserver, prints one JSON line `{ "url": … }` when it listens, and stops when its standard
 * input closes (see ./latency-homeserver.ts, ./review-homeserver.ts).
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'

export interface HomeserverProcess {
  url: string
  /** CPU milliseconds the process has spent so far (user and system), read from /proc on Linux; null elsewhere. */
  cpuMs(): Promise<number | null>
  close(): Promise<void>
}

export async function startHomeserverProcess(script: string, args: string[]): Promise<HomeserverProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string]
  const exited = once(child, 'exit')
  return {
    url: (JSON.parse(line) as { url: string }).url,
    cpuMs: () => processCpuMs(child.pid!),
    close: async () => {
      child.stdin!.end()
      await exited
    },
  }
}

/** utime + stime of a process, in milliseconds (Linux: /proc/<pid>/stat, in clock ticks of 10 ms). */
async function processCpuMs(pid: number): Promise<number | null> {
  const { readFile } = await import('node:fs/promises')
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    // The command name may hold spaces; the fields after it are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return null
  }
}
