/**
 * BENCH_PROF=<dir>: a CPU profile of only the warm rounds of a bench child (the process's start
 * and its cold round would drown them), written as <dir>/<name>-<pid>.cpuprofile for Chrome's
 * DevTools. Without BENCH_PROF, both calls do nothing.
 */
import { writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import path from 'node:path'

let session: Session | undefined

export const warmProfile = {
  async start(): Promise<void> {
    if (!process.env.BENCH_PROF) return
    session = new Session()
    session.connect()
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 100 })
    await session.post('Profiler.start')
  },
  async stop(name: string): Promise<void> {
    if (!session || !process.env.BENCH_PROF) return
    const { profile } = await session.post('Profiler.stop')
    session.disconnect()
    session = undefined
    await writeFile(path.join(process.env.BENCH_PROF, `${name}-${process.pid}.cpuprofile`), JSON.stringify(profile))
  },
}
