// Which addresses are this computer: `localhost`, `::1`, 127.0.0.0/8, and IPv4-mapped 127.x
// (`::ffff:127.0.0.1`, which the URL parser writes as `::ffff:7f00:1`). Plain http:// to one of
// them never leaves the machine; to anything else it crosses a network.

/** True for a URL hostname (as `new URL(…).hostname` gives it, IPv6 in brackets) that is loopback. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '')
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true
  const v6 = /^\[(.*)\]$/.exec(host)?.[1]
  if (v6 === undefined) return false
  if (v6 === '::1' || v6 === '0:0:0:0:0:0:0:1') return true
  // IPv4-mapped: ::ffff:a.b.c.d, or the same written as two hex groups (::ffff:7f00:1).
  const mapped = /^(?:::|(?:0{1,4}:){5})ffff:(.+)$/.exec(v6)?.[1]
  if (mapped === undefined) return false
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(mapped)) return mapped.startsWith('127.')
  const high = /^([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(mapped)?.[1]
  return high !== undefined && parseInt(high, 16) >> 8 === 0x7f
}

/**
 * The host[:port] a URL would reach over plain http:// across a network, or undefined when the
 * URL is https, loopback, or not a URL at all.
 */
export function plainHttpHost(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined
  const parsed = new URL(url)
  if (parsed.protocol !== 'http:' || isLoopbackHost(parsed.hostname)) return undefined
  return parsed.host
}
