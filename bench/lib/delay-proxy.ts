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
  close(): Promise<void>
}

/** Bytes in one direction, delivered in order, each no earlier than its due time. */
class DelayedPipe {
  readonly #queue: Array<{ due: number; data: Buffer | null }> = []
  #timer: NodeJS.Timeout | undefined

  constructor(private readonly to: net.Socket) {}

  push(data: Buffer | null, due: number): void {
    // Never before what is already queued: a TCP stream keeps its order.
    const last = this.#queue.at(-1)?.due ?? 0
    this.#queue.push({ due: Math.max(due, last), data })
    this.#schedule()
  }

  #schedule(): void {
    if (this.#timer || this.#queue.length === 0) return
    const wait = Math.max(0, this.#queue[0]!.due - performance.now())
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      const now = performance.now()
      while (this.#queue.length > 0 && this.#queue[0]!.due <= now + 0.5) {
        const { data } = this.#queue.shift()!
        if (this.to.destroyed) continue
        if (data === null) this.to.end()
        else this.to.write(data)
      }
      this.#schedule()
    }, wait)
  }

  stop(): void {
    clearTimeout(this.#timer)
    this.#queue.length = 0
  }
}

export async function startDelayProxy(options: { upstreamPort: number; hosts: number; oneWayMs: number }): Promise<DelayProxy> {
  const servers: net.Server[] = []
  const sockets = new Set<net.Socket>()
  const proxy: DelayProxy = {
    urls: [],
    oneWayMs: options.oneWayMs,
    connections: 0,
    async close() {
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
      const toUpstream = new DelayedPipe(upstream)
      const toClient = new DelayedPipe(client)
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
