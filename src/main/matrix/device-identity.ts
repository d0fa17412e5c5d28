// What a device is — desktop, phone, web, a script or bot — which client it runs and on which
// operating system, worked out from three sources in order of trust:
//   1. the client information the device published itself (io.element.matrix_client_information.*);
//   2. its user agent, as the server last saw it (bowser for browsers and Electron apps, a small
//      parser for the `Name/version (details; …)` form Matrix apps use);
//   3. its display name, which most clients set to "<client> on <platform>" or similar.
// Each fact says which source it came from, so the details view can tell the person.
// Not exported from ./index: the command line's start-up path never loads bowser.

import Bowser from 'bowser'
import type { ClientInformation } from './client-information'

export type DeviceType = 'desktop' | 'mobile' | 'web' | 'cli-bot' | 'unknown'
export type FactSource = 'client-information' | 'user-agent' | 'display-name'

export interface ClientName {
  name: string
  version?: string
  url?: string
}

export interface DeviceIdentity {
  type: DeviceType
  client?: ClientName
  os?: string
  /** Where each fact came from; a fact without a source was not found. */
  sources: { type?: FactSource; client?: FactSource; os?: FactSource }
}

export interface IdentityInput {
  clientInformation?: ClientInformation | undefined
  userAgent?: string | undefined
  displayName?: string | undefined
}

/** What one source says; any field may be missing. */
interface Clues {
  type?: DeviceType
  client?: ClientName
  os?: string
}

// ---------------------------------------------------------------------------------------------
// Operating systems and kinds of program, by the words that name them

const OS_WORDS: ReadonlyArray<[RegExp, string, DeviceType]> = [
  [/\bandroid\b/i, 'Android', 'mobile'],
  [/\bipad(?:os)?\b/i, 'iPadOS', 'mobile'],
  [/\b(?:ios|iphone)\b/i, 'iOS', 'mobile'],
  [/\bwindows\b|\bwin(?:32|64)\b/i, 'Windows', 'desktop'],
  [/\bmac ?os(?: x)?\b|\bmacintosh\b|\bdarwin\b|\bosx\b|\bmacbook\b|\bimac\b/i, 'macOS', 'desktop'],
  [/\blinux\b|\bx11\b|\bubuntu\b|\bfedora\b|\bdebian\b|\barch\b|\bfreebsd\b/i, 'Linux', 'desktop'],
]

/** Programs, SDKs and tools that are scripts, bots, bridges or terminal clients. */
const CLI_BOT = /^(?:curl|wget|python|python-requests|python-urllib|aiohttp|httpx|go-http-client|okhttp|node-fetch|node|undici|axios|java|dart|ruby|libcurl|matrix-nio|nio|mautrix(?:-[\w]+)?|matrix-bot-sdk|matrix-rust-sdk|matrix-js-sdk|matrix-commander|maubot|heisenbridge|hookshot|mjolnir|draupnir|pantalaimon|iamb|gomuks|ruma|simplematrixbotlib|latchkey cli)\b/i
const BOT_WORDS = /\b(?:bot|bridge|appservice|script|cli|command line|commander|cron)\b/i

const BROWSERS = /\b(firefox|chrome|chromium|safari|edge|opera|brave|vivaldi)\b/i

/** Client names as people know them, longest first so "Element X" wins over "Element". */
const KNOWN_CLIENTS = [
  'Element X', 'Element Desktop', 'Element', 'SchildiChat', 'FluffyChat', 'Nheko', 'Fractal', 'Cinny', 'NeoChat', 'Quaternion',
  'Thunderbird', 'Hydrogen', 'Commet', 'Syphon', 'Beeper', 'Ement', 'Latchkey', 'gomuks', 'iamb', 'matrix-commander', 'Kazv',
]
const KNOWN_CLIENT_RE = new RegExp(`(?:^|[^\\w])(${KNOWN_CLIENTS.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?=$|[^\\w])`, 'i')

function osIn(text: string): { os: string; type: DeviceType } | undefined {
  for (const [re, os, type] of OS_WORDS) if (re.test(text)) return { os, type }
  return undefined
}

function osWithVersion(text: string): string | undefined {
  const android = /\bandroid[ /]?([\d.]+)?/i.exec(text)
  if (android) return android[1] ? `Android ${android[1]}` : 'Android'
  const ios = /\b(ipados|ios)[ /]?([\d.]+)?/i.exec(text)
  if (ios) return `${ios[1]?.toLowerCase() === 'ipados' ? 'iPadOS' : 'iOS'}${ios[2] ? ` ${ios[2]}` : ''}`
  return osIn(text)?.os
}

// ---------------------------------------------------------------------------------------------
// 1. Client information

function fromClientInformation(info: ClientInformation | undefined): Clues {
  if (!info?.name) return {}
  const client: ClientName = { name: info.name }
  if (info.version) client.version = info.version
  if (info.url) client.url = info.url
  const clues: Clues = { client }
  // Element X writes "Element X Android", Element Web a url; Element Desktop neither.
  const os = osIn(info.name)
  if (os && os.type === 'mobile') {
    clues.os = os.os
    clues.type = 'mobile'
  } else if (info.url) clues.type = 'web'
  else if (/\bdesktop\b/i.test(info.name)) clues.type = 'desktop'
  else if (CLI_BOT.test(info.name) || BOT_WORDS.test(info.name)) clues.type = 'cli-bot'
  return clues
}

// ---------------------------------------------------------------------------------------------
// 2. User agent

const APP_FORM = /^([A-Za-z][\w .-]*?)\/v?(\d[\w.+-]*)(?:\s*\(([^)]*)\))?/
/** An Electron app names itself before Chrome/: "… (KHTML, like Gecko) Element/1.11.85 Chrome/… Electron/…". */
const ELECTRON_APP = /\)\s+([A-Za-z][\w-]*(?: [A-Za-z][\w-]*)*)\/(\d[\w.+-]*)\s+Chrome\//

/**
 * What a text says, worked out once: a person's devices share a few user agents, and the same
 * display names come back at every look. Bounded; a full cache starts again. The clues are shared
 * between devices, so nobody may change them.
 */
class CluesCache {
  readonly #clues = new Map<string, Clues>()

  constructor(private readonly size: number, private readonly read: (text: string) => Clues) {}

  get(text: string): Clues {
    const cached = this.#clues.get(text)
    if (cached) return cached
    const clues = this.read(text)
    if (this.#clues.size >= this.size) this.#clues.clear()
    this.#clues.set(text, clues)
    return clues
  }
}

const userAgents = new CluesCache(1000, (ua) => parseUserAgentUncached(ua.slice(0, 1024)))

export function parseUserAgent(ua: string): Clues {
  return userAgents.get(ua)
}

function parseUserAgentUncached(ua: string): Clues {
  const trimmed = ua.trim()
  if (trimmed === '') return {}
  if (/^Mozilla\//.test(trimmed)) return fromBrowserUserAgent(trimmed)
  const app = APP_FORM.exec(trimmed)
  if (app) {
    const name = app[1]!.trim()
    const details = app[3] ?? ''
    const client: ClientName = { name: name === 'ElementX' ? 'Element X' : name, version: app[2]! }
    const os = osWithVersion(details) ?? osWithVersion(name)
    const clues: Clues = { client }
    if (os) clues.os = os
    if (CLI_BOT.test(name)) clues.type = 'cli-bot'
    else if (os) clues.type = osIn(os)?.type ?? 'unknown'
    return clues
  }
  // A bare name ("matrix-rust-sdk"), or something else entirely.
  const word = /^[A-Za-z][\w.-]{0,63}/.exec(trimmed)?.[0]
  if (!word) return {}
  const clues: Clues = { client: { name: word } }
  if (CLI_BOT.test(word)) clues.type = 'cli-bot'
  return clues
}

function fromBrowserUserAgent(ua: string): Clues {
  const parsed = Bowser.parse(ua)
  const osName = parsed.os.name
  // Windows reports "NT 10.0" as its version and "10" as its name for people; use the latter.
  const osVersion = parsed.os.versionName ?? (osName === 'Windows' ? undefined : parsed.os.version)
  const os = osName ? (osVersion ? `${osName} ${osVersion}` : osName) : undefined
  const electron = ELECTRON_APP.exec(ua)
  if (electron && /\bElectron\//.test(ua)) {
    const clues: Clues = { client: { name: electron[1]!, version: electron[2]! }, type: 'desktop' }
    if (os) clues.os = os
    return clues
  }
  const clues: Clues = {}
  if (os) clues.os = os
  const browser = parsed.browser.name
  if (browser) {
    clues.client = { name: browser }
    const major = parsed.browser.version?.split('.')[0]
    if (major) clues.client.version = major
    clues.type = 'web'
  } else if (parsed.platform.type === 'mobile' || parsed.platform.type === 'tablet') clues.type = 'mobile'
  return clues
}

// ---------------------------------------------------------------------------------------------
// 3. Display name

// Twenty accounts of two hundred devices fit.
const displayNames = new CluesCache(8192, (name) => fromDisplayNameUncached(name.slice(0, 1024)))

function fromDisplayName(name: string | undefined): Clues {
  return name ? displayNames.get(name) : {}
}

function fromDisplayNameUncached(name: string): Clues {
  const clues: Clues = {}
  const known = KNOWN_CLIENT_RE.exec(name)?.[1]
  const canonical = known === undefined ? undefined : KNOWN_CLIENTS.find((k) => k.toLowerCase() === known.toLowerCase())
  const browser = BROWSERS.exec(name)?.[1]
  if (canonical) clues.client = { name: canonical === 'Element Desktop' ? 'Element' : canonical }
  else if (browser) clues.client = { name: browser[0]!.toUpperCase() + browser.slice(1).toLowerCase() }
  const os = osIn(name)
  if (os) clues.os = os.os
  if (BOT_WORDS.test(name) || CLI_BOT.test(name)) clues.type = 'cli-bot'
  // "app.element.io: Firefox on Linux": Element Web names its sessions after the site.
  else if (browser || /^[\w-]+(?:\.[\w-]+)+(?::\d+)?(?:\/\S*)?:/.test(name) || /\bweb\b/i.test(name)) clues.type = 'web'
  else if (/\bdesktop\b/i.test(name)) clues.type = 'desktop'
  else if (/\b(?:phone|mobile|tablet|pixel|galaxy)\b/i.test(name)) clues.type = 'mobile'
  else if (os) clues.type = os.type
  return clues
}

// ---------------------------------------------------------------------------------------------

/** The facts about one device, each from the most trusted source that has it. */
export function identifyDevice(input: IdentityInput): DeviceIdentity {
  const out: DeviceIdentity = { type: 'unknown', sources: {} }
  // In order of trust; each source is read only while a fact is still missing.
  for (const source of FACT_SOURCES) {
    const clues = cluesFrom(source, input)
    if (clues.type && clues.type !== 'unknown' && !out.sources.type) {
      out.type = clues.type
      out.sources.type = source
    }
    if (clues.client && !out.client) {
      out.client = clues.client
      out.sources.client = source
    }
    if (clues.os && !out.os) {
      out.os = clues.os
      out.sources.os = source
    }
    if (out.sources.type && out.client && out.os) break
  }
  return out
}

const FACT_SOURCES: readonly FactSource[] = ['client-information', 'user-agent', 'display-name']

function cluesFrom(source: FactSource, input: IdentityInput): Clues {
  switch (source) {
    case 'client-information':
      return fromClientInformation(input.clientInformation)
    case 'user-agent':
      return input.userAgent ? parseUserAgent(input.userAgent) : {}
    case 'display-name':
      return fromDisplayName(input.displayName)
  }
}
