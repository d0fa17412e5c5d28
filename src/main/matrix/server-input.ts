// What a person types to name a server: a server name (`example.org`, `example.org:8448`,
// `[::1]:8448`), a user id (`@alice:example.org`), or a URL (`http://127.0.0.1:8008`).

import { MatrixError } from './errors'

export interface ServerInput {
  /** The input as understood (trimmed). */
  input: string
  /** host[:port]: the server name, or the URL's host for URL input. */
  serverName: string
  /** Where /.well-known/matrix/client is asked: https://<hostname> (the spec drops the port), or the URL's origin. */
  wellKnownOrigin: string
  /** The base URL to use when there is no well-known file. */
  fallbackBaseUrl: string
  fromUrl: boolean
}

const DNS_NAME = /^(?=.{1,255}$)[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*\.?$/
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/
const IPV6 = /^\[[0-9a-f:.]{2,45}\]$/

function invalid(input: string, message: string): MatrixError {
  return new MatrixError({ kind: 'invalid-input', endpoint: 'discovery', host: input, message })
}

/** Splits the appendix's `server_name = hostname [ ":" port ]`; null if it is not one. */
export function parseServerName(text: string): { hostname: string; port?: number } | null {
  const lower = text.toLowerCase()
  const m = /^(\[[^\]]*\]|[^:]+)(?::(\d{1,5}))?$/.exec(lower)
  if (!m || !m[1]) return null
  const hostname = m[1]
  const port = m[2] === undefined ? undefined : Number(m[2])
  if (port !== undefined && (port < 1 || port > 65535)) return null
  if (IPV4.test(hostname)) {
    if (hostname.split('.').some((n) => Number(n) > 255)) return null
  } else if (!IPV6.test(hostname) && !DNS_NAME.test(hostname)) return null
  return port === undefined ? { hostname } : { hostname, port }
}

export function parseServerInput(raw: string): ServerInput {
  const input = raw.trim()
  if (!input) throw invalid(raw, 'Enter a server name such as matrix.org, a user id such as @you:matrix.org, or the server’s URL.')

  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    if (!URL.canParse(input)) throw invalid(input, `“${input}” is not a valid URL.`)
    const url = new URL(input)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(input, `“${input}” is not an http or https address.`)
    if (url.username || url.password) throw invalid(input, 'A server address must not contain a user name or password.')
    const path = url.pathname.replace(/\/+$/, '')
    return { input, serverName: url.host, wellKnownOrigin: url.origin, fallbackBaseUrl: `${url.origin}${path}`, fromUrl: true }
  }

  // A user id: the server name is everything after the first colon.
  const serverNameText = input.startsWith('@') ? input.slice(input.indexOf(':') + 1) : input
  if (input.startsWith('@') && !input.includes(':')) throw invalid(input, `“${input}” is missing its server: a user id looks like @you:matrix.org.`)
  const parsed = parseServerName(serverNameText)
  if (!parsed) throw invalid(input, `“${serverNameText}” is not a server name (such as matrix.org or example.org:8448).`)
  const serverName = parsed.port === undefined ? parsed.hostname : `${parsed.hostname}:${parsed.port}`
  return {
    input,
    serverName,
    wellKnownOrigin: `https://${parsed.hostname}`,
    fallbackBaseUrl: `https://${serverName}`,
    fromUrl: false,
  }
}
