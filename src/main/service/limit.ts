/**
 * Runs tasks with at most `perKey` of them in flight for each key (a homeserver's host), and
 * every key at once: checking 200 accounts on 20 servers should take as long as the slowest
 * server's share, without sending 50 requests at once to any one of them.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  perKey: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const queues = new Map<string, T[]>()
  for (const item of items) {
    const key = keyOf(item)
    const queue = queues.get(key)
    if (queue) queue.push(item)
    else queues.set(key, [item])
  }
  const workers: Promise<void>[] = []
  for (const queue of queues.values()) {
    const width = Math.max(1, Math.min(perKey, queue.length))
    for (let i = 0; i < width; i++) {
      workers.push(
        (async () => {
          for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item)
        })(),
      )
    }
  }
  await Promise.all(workers)
}
