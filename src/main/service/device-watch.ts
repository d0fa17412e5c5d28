/**
 * While the app runs, Latchkey looks for new devices every `newDeviceCheckMinutes` (a setting,
 * read before each wait so a change applies from the next one). A look is one GET /devices per
 * signed-in account; a device it has not seen raises the newDevices event, which the Electron
 * shell turns into a desktop notification. The session check does the same on its own.
 */
import { hostOf, type MatrixClient } from '../matrix'
import { readSnapshot, type ServiceContext } from './context'
import { rememberAndTell } from './insights'
import { forEachBounded } from './limit'

/** Starts the periodic look; answers the function that stops it. */
export function watchDevices(ctx: ServiceContext): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const schedule = async (): Promise<void> => {
    const { newDeviceCheckMinutes } = await ctx.insights.settings().catch(() => ({ newDeviceCheckMinutes: 15 }))
    if (stopped) return
    timer = setTimeout(() => void run(), Math.max(1_000, newDeviceCheckMinutes * 60_000))
    timer.unref?.()
  }
  const run = async (): Promise<void> => {
    try {
      await lookForNewDevices(ctx)
    } catch {
      // An unreadable account list or no network: the next look tries again.
    }
    if (!stopped) await schedule()
  }
  void schedule()
  return () => {
    stopped = true
    if (timer) clearTimeout(timer)
  }
}

/** One GET /devices per signed-in account; new devices are remembered and announced. */
export async function lookForNewDevices(ctx: ServiceContext): Promise<void> {
  const snapshot = await readSnapshot(ctx)
  const active = snapshot.accounts.filter((a) => a.status === 'active')
  await forEachBounded(active, (r) => hostKey(r.homeserverUrl), ctx.tuning.checksPerHost, async (record) => {
    let client: MatrixClient
    try {
      client = await ctx.pool.client(record)
      await rememberAndTell(ctx, record, await client.devices(), undefined)
    } catch {
      // This account's server or secret is not available now; its status is the check's business.
    }
  })
}

function hostKey(url: string): string {
  try {
    return hostOf(url)
  } catch {
    return url
  }
}
