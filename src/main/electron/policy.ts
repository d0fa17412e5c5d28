/**
 * The security decisions of the Electron shell, as plain functions, so they are tested in plain
 * Node (this file must not import electron).
 */
import { isAbsolute, relative, resolve, sep } from 'node:path'

/** The app's own origin: the renderer is served from a privileged custom scheme, not file://. */
export const APP_SCHEME = 'latchkey-app'
export const APP_ORIGIN = `${APP_SCHEME}://bundle`
export const APP_URL = `${APP_ORIGIN}/index.html`

/**
 * The Content-Security-Policy of every page the app shows. No remote code, no inline script, no
 * eval; images only from the bundle or data: URLs (avatars and QR codes come as data: URLs from
 * main, so the renderer never talks to a homeserver itself).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ')

/**
 * An IPC message is trusted only when it comes from the app's own top-level page: the bundle's
 * origin in a release build, or the dev server's origin under `electron-vite dev`.
 */
export function isTrustedSenderUrl(frameUrl: string | undefined, devServerUrl?: string): boolean {
  if (!frameUrl) return false
  let url: URL
  try {
    url = new URL(frameUrl)
  } catch {
    return false
  }
  if (url.protocol === `${APP_SCHEME}:` && url.host === 'bundle') return true
  if (devServerUrl) {
    try {
      return url.origin === new URL(devServerUrl).origin
    } catch {
      return false
    }
  }
  return false
}

/** Only web pages go to the system browser: never file:, javascript:, custom schemes or smb:. */
export function isWebUrl(candidate: string): boolean {
  try {
    const url = new URL(candidate)
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== ''
  } catch {
    return false
  }
}

/**
 * Remembers the URLs the service asked to open (SSO pages, account-management pages), so that a
 * link the renderer follows is opened in the system browser only when main offered it first.
 */
export class ExternalUrlAllowList {
  private readonly offered = new Set<string>()

  offer(url: string): boolean {
    if (!isWebUrl(url)) return false
    this.offered.add(new URL(url).href)
    return true
  }

  allows(url: string): boolean {
    return isWebUrl(url) && this.offered.has(new URL(url).href)
  }
}

/**
 * Maps a request for `latchkey-app://bundle/<path>` to a file inside the built renderer folder,
 * or null for anything that would escape it (`..`, encoded separators, absolute paths).
 */
export function resolveBundlePath(requestUrl: string, rendererDir: string): string | null {
  let url: URL
  try {
    url = new URL(requestUrl)
  } catch {
    return null
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== 'bundle') return null
  let pathname: string
  try {
    pathname = decodeURIComponent(url.pathname)
  } catch {
    return null
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null
  const wanted = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '')
  const root = resolve(rendererDir)
  const file = resolve(root, wanted)
  const inside = relative(root, file)
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    return null
  }
  return file
}

/**
 * The renderer's development server (`electron-vite dev` sets ELECTRON_RENDERER_URL), or undefined.
 * Only an app that is not packaged loads one, and only from this machine: in a packaged app the
 * variable is ignored, so nobody can point an installed Latchkey at a page of their choosing.
 */
export function devServerUrl(isPackaged: boolean, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (isPackaged) return undefined
  const value = env.ELECTRON_RENDERER_URL
  if (!value || !URL.canParse(value)) return undefined
  const url = new URL(value)
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]'
  return (url.protocol === 'http:' || url.protocol === 'https:') && loopback ? value : undefined
}

/** What the `latchkey:` scheme opens: a login code, `latchkey://login?hs=…&token=…&user=…`. */
const LOGIN_LINK = /^latchkey:\/\/login\/?\?/i
const MAX_LOGIN_LINK = 8192

/** True for a `latchkey://login?…` link of a sane length; anything else the scheme may carry is ignored. */
export function isLoginLink(candidate: unknown): candidate is string {
  return typeof candidate === 'string' && candidate.length <= MAX_LOGIN_LINK && LOGIN_LINK.test(candidate)
}

/**
 * The login link among a launch's arguments (Windows and Linux hand a `latchkey:` link to the app
 * as an argument: to the first instance's argv, or to the second instance's, which passes it on).
 */
export function loginLinkIn(argv: readonly string[]): string | undefined {
  return argv.find((arg) => isLoginLink(arg))
}
