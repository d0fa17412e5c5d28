// What Latchkey knows about each homeserver it talks to, shared by every session on it: the
// versions it advertised (learnt once, kept for a day, so a check is one request and not two),
// the signals it gave besides them (a capability, a login-flow flag), and which path of an
// endpoint's history it turned out to serve. Keyed by base URL. The service seeds it from
// accounts.json and writes back what was learnt; the protocol layer only reads and learns.

import type { ServerSignals, ServerVersions } from './spec-versions'
import { trimBaseUrl } from './transport'

export interface KnownServersOptions {
  /** Versions older than this are learnt again before use. Default 24 hours. */
  maxAgeMs?: number
  /** An M_UNRECOGNIZED makes versions learnt longer ago than this be learnt again. Default 1 minute. */
  relearnAfterMs?: number
  /** The clock, for tests. */
  now?: () => number
}

/** A server's versions and when they were fetched (milliseconds since the epoch). */
export interface LearntVersions {
  readonly versions: ServerVersions
  readonly fetchedAt: number
}

interface Entry {
  learnt?: LearntVersions
  learning?: Promise<ServerVersions>
  readonly signals: Set<string>
  /** Endpoint name → the path that answered after the chosen one was not recognised. */
  readonly paths: Map<string, string>
}

export const VERSIONS_MAX_AGE_MS = 24 * 60 * 60_000

export class KnownServers {
  readonly maxAgeMs: number
  readonly relearnAfterMs: number
  readonly now: () => number
  readonly #entries = new Map<string, Entry>()
  readonly #inFlight = new Set<Promise<unknown>>()

  constructor(options: KnownServersOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? VERSIONS_MAX_AGE_MS
    this.relearnAfterMs = options.relearnAfterMs ?? 60_000
    this.now = options.now ?? Date.now
  }

  /** The server's versions if they were learnt within maxAgeMs, else null. */
  versions(baseUrl: string): ServerVersions | null {
    const learnt = this.#entry(baseUrl).learnt
    return learnt && this.#fresh(learnt.fetchedAt) ? learnt.versions : null
  }

  /** Takes versions learnt elsewhere (discovery, accounts.json, another client); the newer fetch wins. */
  remember(baseUrl: string, versions: ServerVersions, fetchedAt = this.now()): void {
    const entry = this.#entry(baseUrl)
    if (entry.learnt && entry.learnt.fetchedAt >= fetchedAt) return
    entry.learnt = { versions: copyVersions(versions), fetchedAt }
  }

  /** The fresh versions, or fetches them: one request per server however many sessions ask at once. */
  learn(baseUrl: string, fetch: () => Promise<ServerVersions>): Promise<ServerVersions> {
    const known = this.versions(baseUrl)
    if (known) return Promise.resolve(known)
    return this.#fetch(baseUrl, fetch)
  }

  /**
   * The cue of an M_UNRECOGNIZED: the server may have changed since its versions were learnt, so
   * learn them again — unless they were learnt within relearnAfterMs (a server without an endpoint
   * answers that every time). Never rejects; what failed to load stays as it was.
   */
  async relearn(baseUrl: string, fetch: () => Promise<ServerVersions>): Promise<void> {
    const entry = this.#entry(baseUrl)
    if (entry.learning) return void (await entry.learning.catch(() => undefined))
    if (entry.learnt && this.now() - entry.learnt.fetchedAt < this.relearnAfterMs) return
    await this.#fetch(baseUrl, fetch).catch(() => undefined)
  }

  /** Resolves when no versions request is in flight (the service waits before it writes them). */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
  }

  signals(baseUrl: string): ServerSignals {
    return this.#entry(baseUrl).signals
  }

  noteSignals(baseUrl: string, signals: Iterable<string>): void {
    const set = this.#entry(baseUrl).signals
    for (const s of signals) set.add(s)
  }

  /** The path this server turned out to serve for an endpoint, if a fallback found one. */
  path(baseUrl: string, endpoint: string): string | undefined {
    return this.#entry(baseUrl).paths.get(endpoint)
  }

  notePath(baseUrl: string, endpoint: string, path: string): void {
    this.#entry(baseUrl).paths.set(endpoint, path)
  }

  forgetPath(baseUrl: string, endpoint: string, path: string): void {
    const paths = this.#entry(baseUrl).paths
    if (paths.get(endpoint) === path) paths.delete(endpoint)
  }

  /** Every server's fresh versions, for writing them down. */
  fresh(): Map<string, LearntVersions> {
    const out = new Map<string, LearntVersions>()
    for (const [baseUrl, entry] of this.#entries) {
      if (entry.learnt && this.#fresh(entry.learnt.fetchedAt)) out.set(baseUrl, entry.learnt)
    }
    return out
  }

  #fresh(fetchedAt: number): boolean {
    const age = this.now() - fetchedAt
    return age >= 0 && age < this.maxAgeMs
  }

  #fetch(baseUrl: string, fetch: () => Promise<ServerVersions>): Promise<ServerVersions> {
    const entry = this.#entry(baseUrl)
    if (entry.learning) return entry.learning
    const learning = fetch()
      .then((versions) => {
        entry.learnt = { versions: copyVersions(versions), fetchedAt: this.now() }
        return versions
      })
      .finally(() => {
        if (entry.learning === learning) delete entry.learning
        this.#inFlight.delete(learning)
      })
    entry.learning = learning
    this.#inFlight.add(learning)
    return learning
  }

  #entry(baseUrl: string): Entry {
    const key = trimBaseUrl(baseUrl)
    let entry = this.#entries.get(key)
    if (!entry) {
      entry = { signals: new Set(), paths: new Map() }
      this.#entries.set(key, entry)
    }
    return entry
  }
}

function copyVersions(v: ServerVersions): ServerVersions {
  return { versions: [...v.versions], unstableFeatures: { ...v.unstableFeatures } }
}
