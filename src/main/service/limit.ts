/**
 * Runs tasks with at most `perKey` of them in flight for each key (a homeserver's host) and at
 * most `total` in all, in the order given: checking 100 accounts on 10 servers goes out in one
 * wave and takes about one round trip, without ever sending an unbounded number of requests at
 * once, or more than a server is likely to welcome.
 *
 * Each task starts in an event-loop turn of its own. Node's HTTP agent hands a request its socket
 * on a next tick, and next ticks run only once no promise callback is left waiting: started in one
 * turn, a hundred checks would each build their request before the first one was written, and
 * every server would hear of its request only once the hundredth was built (4–11 ms later,
 * measured). A turn each lets every request leave as soon as it is built.
 */
export interface Bounds {
  /** In flight for one key at most. */
  perKey: number
  /** In flight in all at most. */
  total: number
}

export function forEachBounded<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  bounds: Bounds | number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const perKey = Math.max(1, typeof bounds === 'number' ? bounds : bounds.perKey)
  const total = Math.max(1, typeof bounds === 'number' ? Number.POSITIVE_INFINITY : bounds.total)
  const waiting = items.map((item) => ({ item, key: keyOf(item) }))
  const running = new Map<string, number>()
  let inFlight = 0
  return new Promise<void>((resolve, reject) => {
    let failed = false
    const pump = (): void => {
      if (failed) return
      for (let i = 0; i < waiting.length && inFlight < total; ) {
        const next = waiting[i]!
        const busy = running.get(next.key) ?? 0
        if (busy >= perKey) {
          i++
          continue
        }
        waiting.splice(i, 1)
        running.set(next.key, busy + 1)
        inFlight++
        new Promise<void>((turn) => setImmediate(turn)).then(() => task(next.item)).then(
          () => {
            running.set(next.key, (running.get(next.key) ?? 1) - 1)
            inFlight--
            pump()
          },
          (error: unknown) => {
            failed = true
            reject(error)
          },
        )
      }
      if (inFlight === 0 && waiting.length === 0) resolve()
    }
    pump()
  })
}
