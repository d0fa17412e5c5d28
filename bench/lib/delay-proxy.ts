/**
 * A small delaying TCP proxy for the latency bench: N "hosts" on loopback, one port each, all in
 * front of one upstream (the test homeserver). Every byte waits the one-way delay in each
 * direction, so a request and its answer cost one round trip; and the bytes a new connection
 * sends first wait one more round trip, the TCP handshake a real distant server costs (on
 * loopback the kernel completes it at once). It counts connections, so a bench can say how many
 * were new.
 */
import net from 'node:net'

export interface DelayProxy {
  /** http://127.0.0.1:<port> for each host. */
  readonly urls: readonly string[]
  /** One-way delay in milliseconds; may be changed between runs (0 for set-up). */
  oneWayMs: number
  /** Connections accepted since the last reset. */
  connections: number
  /** How late, in milliseconds on average, each piece left after it was due, since the last reset. */
  lateness(): number
  resetLateness(): void
  close(): Promise<void>
}

/**
 * When each delayed piece of every pipe is due: one timer for the whole proxy, not one per pipe,
 * so that a hundred connections cost the proxy one wake-up per millisecond, not a hundred. Pieces
 * due in the same millisecond leave together, in the order they came.
 */
class Schedule {
  readonly #due = new Map<number, Array<() => void>>()
  /** Delivered pieces and the sum of how late each left after its exact due time. */
  late = { pieces: 0, ms: 0 }
  #timer: NodeJS.Timeout | undefined
  #next = Infinity

  at(due: number, deliver: () => void): void {
    // Never an earlier millisecond than the piece is due in (a timer fires half a millisecond early at most).
    const slot = Math.ceil(due)
    const timed = () => {
      this.late.pieces++
      this.late.ms += performance.now() - due
      deliver()
    }
    const list = this.#due.get(slot)
    if (list) list.push(timed)
    else this.#due.set(slot, [timed])
    if (slot < this.#next) this.#arm(slot)
  }

  #arm(slot: number): void {
    clearTimeout(this.#timer)
    this.#next = slot
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, slot - performance.now()))
  }

  #fire(): void {
    this.#timer = undefined
    this.#next = Infinity
    const now = performance.now()
    // Map keys keep their insertion order, not their value: take every slot that is due.
    const ready = [...this.#due.keys()].filter((slot) => slot <= now + 0.5).sort((a, b) => a - b)
    for (const slot of ready) {
      const list = this.#due.get(slot)!
      this.#due.delete(slot)
      for (const deliver of list) deliver()
    }
    let earliest = Infinity
    for (const slot of this.#due.keys()) earliest = Math.min(earliest, slot)
    if (earliest < Infinity) this.#arm(earliest)
  }

  stop(): void {
    clearTimeout(this.#timer)
    this.#due.clear()
  }
}

/** Bytes in one direction, delivered in order, each no earlier than its due time. */
class DelayedPipe {
  #last = 0
  #stopped = false

  constructor(private readonly to: net.Socket, private readonly schedule: Schedule) {}

  push(data: Buffer | null, due: number): void {
    // Never before what is already queued: a TCP stream keeps its order.
    this.#last = Math.max(due, this.#last)
    this.schedule.at(this.#last, () => {
      if (this.#stopped || this.to.destroyed) return
      if (data === null) this.to.end()
      else this.to.write(data)
    })
  }

  stop(): void {
    this.#stopped = true
  }
}

export async function startDelayProxy(options: { upstreamPort: number; hosts: number; oneWayMs: number }): Promise<DelayProxy> {
  const servers: net.Server[] = []
  const sockets = new Set<net.Socket>()
  const schedule = new Schedule()
  const proxy: DelayProxy = {
    urls: [],
    oneWayMs: options.oneWayMs,
    connections: 0,
    lateness: () => (schedule.late.pieces === 0 ? 0 : schedule.late.ms / schedule.late.pieces),
    resetLateness: () => {
      schedule.late = { pieces: 0, ms: 0 }
    },
    async close() {
      schedule.stop()
      for (const s of sockets) s.destroy()
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))))
    },
  }
  const urls: string[] = []
  for (let i = 0; i < options.hosts; i++) {
    const server = net.createServer({ noDelay: true }, (client) => {
      proxy.connections++
      // The client sent its SYN now; its first bytes can leave only after the SYN-ACK came back.
      const handshakeDone = performance.now() + 2 * proxy.oneWayMs
      const upstream = net.connect({ port: options.upstreamPort, host: '127.0.0.1', noDelay: true })
      sockets.add(client)
      sockets.add(upstream)
      const toUpstream = new DelayedPipe(upstream, schedule)
      const toClient = new DelayedPipe(client, schedule)
      client.on('data', (data) => toUpstream.push(data, Math.max(performance.now(), handshakeDone) + proxy.oneWayMs))
      client.on('end', () => toUpstream.push(null, performance.now() + proxy.oneWayMs))
      upstream.on('data', (data) => toClient.push(data, performance.now() + proxy.oneWayMs))
      upstream.on('end', () => toClient.push(null, performance.now() + proxy.oneWayMs))
      const teardown = () => {
        toUpstream.stop()
        toClient.stop()
        client.destroy()
        upstream.destroy()
        sockets.delete(client)
        sockets.delete(upstream)
      }
      client.on('error', teardown)
      upstream.on('error', teardown)
      client.on('close', () => setTimeout(teardown, proxy.oneWayMs + 5))
      upstream.on('close', () => setTimeout(teardown, proxy.oneWayMs + 5))
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    servers.push(server)
    const address = server.address() as net.AddressInfo
    urls.push(`http://127.0.0.1:${address.port}`)
  }
  ;(proxy as { urls: readonly string[] }).urls = urls
  return proxy
}
