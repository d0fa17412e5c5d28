// Which spec versions a server speaks, and which path of an endpoint's history to use with it.
// Ruma's convention: every `r0.x` release counts as version 1.0, so `1.0` paths are the r0 paths.

/** A spec version as [major, minor]; r0.x is [1, 0]. */
export type SpecVersion = readonly [number, number]

export function parseSpecVersion(text: string): SpecVersion | null {
  if (/^r0\.\d+\.\d+$/.test(text)) return [1, 0]
  const m = /^v(\d+)\.(\d+)$/.exec(text)
  if (!m) return null
  return [Number(m[1]), Number(m[2])]
}

function compareVersions(a: SpecVersion, b: SpecVersion): number {
  return a[0] - b[0] || a[1] - b[1]
}

export interface ServerVersions {
  /** The strings the server advertised, as given. */
  readonly versions: readonly string[]
  readonly unstableFeatures: Readonly<Record<string, boolean>>
}

// Both are asked on every request: worked out once per versions list and per path history.
const newestOf = new WeakMap<readonly string[], SpecVersion | null>()
const entriesOf = new WeakMap<PathHistory, ReadonlyArray<readonly [SpecVersion, string]>>()

/** The newest version the server advertises that we can read, or null when it advertises none we know. */
export function newestVersion(server: ServerVersions): SpecVersion | null {
  const known = newestOf.get(server.versions)
  if (known !== undefined) return known
  const best = newestIn(server.versions)
  newestOf.set(server.versions, best)
  return best
}

function newestIn(versions: readonly string[]): SpecVersion | null {
  let best: SpecVersion | null = null
  for (const text of versions) {
    const v = parseSpecVersion(text)
    if (v && (!best || compareVersions(v, best) > 0)) best = v
  }
  return best
}

/** True when the server speaks only the r0 releases, so it expects `/_matrix/client/r0/...` paths. */
export function isR0Only(server: ServerVersions): boolean {
  const newest = newestVersion(server)
  return newest !== null && compareVersions(newest, [1, 1]) < 0
}

export interface PathHistory {
  /** Spec version ("1.0" for r0, "1.1", "1.7", …) => path template. */
  readonly stable: Readonly<Record<string, string>>
  /** Path used before stabilisation, by servers that advertise the feature flag but not the version. */
  readonly unstable?: { readonly feature: string; readonly path: string }
  /**
   * Signals besides /versions that the server serves the newest stable path: servers ship an
   * endpoint (and its capability or login-flow flag) before they advertise its spec version
   * (REAL-SERVERS.md: Synapse 1.97 says v1.6 yet serves v1 get_token). Spelled as ServerSignals
   * records them: `capability:<name>` for a capability that is `{enabled: true}`,
   * `login-flow:<flag>` for a flag set on a login flow.
   */
  readonly stableSignals?: readonly string[]
}

/** What a server said besides /versions, as `capability:<name>` and `login-flow:<flag>` strings. */
export type ServerSignals = ReadonlySet<string>

function stableEntries(history: PathHistory): ReadonlyArray<readonly [SpecVersion, string]> {
  const known = entriesOf.get(history)
  if (known) return known
  const entries = Object.entries(history.stable)
    .map(([v, path]): [SpecVersion, string] => {
      const [major, minor] = v.split('.').map(Number)
      return [[major ?? 1, minor ?? 0], path]
    })
    .sort((a, b) => compareVersions(a[0], b[0]))
  entriesOf.set(history, entries)
  return entries
}

/**
 * The path to call on this server: the newest stable path the server's versions cover; else the
 * unstable path when the server advertises its feature; else the oldest stable path — servers often
 * answer endpoints newer than the versions they advertise (REAL-SERVERS.md), and a server that does
 * not answers 404 M_UNRECOGNIZED, which the caller reports as unsupported.
 * Unknown versions (`null`) mean "assume the newest", which is what /versions itself needs.
 * A signal the history names (a capability, a login-flow flag) wins over the versions.
 */
export function selectPath(history: PathHistory, server: ServerVersions | null, signals?: ServerSignals): string {
  const entries = stableEntries(history)
  const oldest = entries[0]
  const newest = entries[entries.length - 1]
  if (!oldest || !newest) throw new Error('an endpoint needs at least one stable path')
  if (!server) return newest[1]
  if (signals && history.stableSignals?.some((s) => signals.has(s))) return newest[1]
  const serverNewest = newestVersion(server)
  if (serverNewest) {
    let chosen: string | null = null
    for (const [v, path] of entries) if (compareVersions(v, serverNewest) <= 0) chosen = path
    if (chosen) return chosen
  }
  if (history.unstable && server.unstableFeatures[history.unstable.feature] === true) return history.unstable.path
  return serverNewest ? oldest[1] : newest[1]
}

/**
 * The paths worth trying on this server, in order: the choice of selectPath, then the one other
 * path worth a single try when the first answers 404/405 M_UNRECOGNIZED — the stable path after
 * the unstable one and back, else the other end of the stable history (v3 after r0 and back).
 */
export function pathChoices(history: PathHistory, server: ServerVersions | null, signals?: ServerSignals): string[] {
  const first = selectPath(history, server, signals)
  const entries = stableEntries(history)
  const oldest = entries[0]![1]
  const newest = entries[entries.length - 1]![1]
  const unstable = history.unstable?.path
  let other: string | undefined
  if (first === unstable) other = newest
  else if (unstable !== undefined) other = unstable
  else other = first === newest ? oldest : newest
  return other === first ? [first] : [first, other]
}
