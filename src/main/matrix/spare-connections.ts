/**
 * Connections opened ahead of the requests that will use them: while the keychain is read and
 * the modules load, the TCP (and TLS) handshakes to each server are already under way, so a
 * distant server costs one round trip for its connection that overlaps local work, not one more
 * after it. Nothing is sent on them; one not taken within 15 s is closed.
 *
 * Light on purpose (node:net, and node:tls only for an https server): the command line's `check`
 * opens its connections before the HTTP stack has loaded. The HTTP agents (./http.ts) take a spare
 * connection to the same scheme, host and port before they open a new one.
 */
import net, { isIP, type Socket } from 'node:net'

/** A connection opened ahead of need and not taken within this long is closed. */
const SPARE_LIFETIME_MS = 15_000
/** At most this many spares wait per server (the HTTP agents' sockets per host): a damaged list cannot open thousands. */
const MAX_SPARES_PER_SERVER = 48

const spares = new Map<string, Socket[]>()

const keyOf = (protocol: string, host: string, port: number) => `${protocol}//${host}:${port}`

/** A URL's scheme, bare host (no IPv6 brackets) and port, for http(s) URLs only. */
export function endpointOf(baseUrl: string): { protocol: 'http:' | 'https:'; host: string; port: number } | null {
  if (!URL.canParse(baseUrl)) return null
  const url = new URL(baseUrl)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
  return { protocol: url.protocol, host, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) }
}

/**
 * Opens connections to a server's base URL until `count` spares wait there (at most
 * MAX_SPARES_PER_SERVER); anything but http(s) is ignored.
 */
export function openSpares(baseUrl: string, count: number): void {
  const at = endpointOf(baseUrl)
  if (!at) return
  const key = keyOf(at.protocol, at.host, at.port)
  const list = spares.get(key) ?? []
  spares.set(key, list)
  const wanted = Math.min(count, MAX_SPARES_PER_SERVER) - list.filter((s) => !s.destroyed).length
  for (let i = 0; i < wanted; i++) {
    const socket = connect(at.protocol, at.host, at.port)
    socket.on('error', () => socket.destroy())
    // A spare never keeps the process alive; the request that takes it does.
    socket.unref()
    list.push(socket)
    const timer = setTimeout(() => {
      const index = list.indexOf(socket)
      if (index >= 0) list.splice(index, 1)[0]?.destroy()
    }, SPARE_LIFETIME_MS)
    timer.unref()
  }
}

/**
 * How many connections to open to each server for a check of `counts` accounts on each: its count,
 * at most `perServer`, and at most `total` in all, the servers taken in order. No more than the
 * check will send at once, however many accounts a list names.
 */
export function connectionsFor(counts: Iterable<[string, number]>, bounds: { perServer: number; total: number }): Array<[string, number]> {
  const out: Array<[string, number]> = []
  let left = bounds.total
  for (const [url, count] of counts) {
    const n = Math.max(0, Math.min(count, bounds.perServer, left))
    if (n === 0) continue
    out.push([url, n])
    left -= n
  }
  return out
}

/** A spare connection to this scheme, host and port, now the caller's; undefined when there is none. */
export function takeSpare(protocol: 'http:' | 'https:', host: string, port: number): Socket | undefined {
  const list = spares.get(keyOf(protocol, host, port))
  for (let socket = list?.shift(); socket; socket = list?.shift()) {
    if (socket.destroyed) continue
    socket.removeAllListeners('error')
    socket.ref()
    return socket
  }
  return undefined
}

function connect(protocol: 'http:' | 'https:', host: string, port: number): Socket {
  if (protocol === 'http:') return net.connect({ host, port, noDelay: true })
  // What https.Agent would open: certificate and host name checked by default (servername for SNI).
  const tls = process.getBuiltinModule('node:tls')
  return tls.connect({ host, port, ...(isIP(host) ? {} : { servername: host }) }).setNoDelay(true)
}
