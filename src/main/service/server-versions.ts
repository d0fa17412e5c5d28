/**
 * A server's /versions, learnt once and kept in accounts.json for a day (issue 13 §1), so a check
 * of every account is one request per account and not two. What the file holds seeds the
 * process's KnownServers on every read (another process may have learnt them); what this
 * process learnt is written with its next change to the list. A server that changed meanwhile is
 * noticed at the next sign-in (discovery asks /versions afresh) or on an M_UNRECOGNIZED (the
 * client learns them again).
 */
import { getServerVersions, removeServerVersions, setServerVersions, type RegistrySnapshot } from '../accounts'
import type { KnownServers } from '../matrix'

// The bounds accounts.json's validator sets on a kept entry: a server that advertises more is kept
// cut short rather than making the entry unreadable.
const MAX_VERSIONS = 256
const MAX_VERSION_LENGTH = 64
const MAX_FEATURES = 4096
const MAX_FEATURE_LENGTH = 255

/** Takes what accounts.json knows into the process; an entry older than a day is not used. */
export function seedKnownServers(servers: KnownServers, snapshot: RegistrySnapshot): void {
  for (const [baseUrl, record] of Object.entries(snapshot.servers)) {
    const fetchedAt = Date.parse(record.fetchedAt)
    if (!Number.isFinite(fetchedAt)) continue
    servers.remember(baseUrl, { versions: record.versions, unstableFeatures: record.unstableFeatures }, fetchedAt)
  }
}

/** Writes what this process learnt into a draft of the list, and drops entries past their day. */
export function writeKnownServers(servers: KnownServers, draft: RegistrySnapshot): void {
  const fresh = servers.fresh()
  for (const [baseUrl, learnt] of fresh) {
    const kept = getServerVersions(draft, baseUrl)
    if (kept && Date.parse(kept.fetchedAt) >= learnt.fetchedAt) continue
    setServerVersions(draft, baseUrl, {
      versions: learnt.versions.versions.filter((v) => v.length > 0 && v.length <= MAX_VERSION_LENGTH).slice(0, MAX_VERSIONS),
      unstableFeatures: Object.fromEntries(
        Object.entries(learnt.versions.unstableFeatures)
          .filter(([name]) => name.length > 0 && name.length <= MAX_FEATURE_LENGTH)
          .slice(0, MAX_FEATURES),
      ),
      fetchedAt: new Date(learnt.fetchedAt).toISOString(),
    })
  }
  for (const [baseUrl, record] of Object.entries(draft.servers)) {
    const age = servers.now() - Date.parse(record.fetchedAt)
    if (!(age >= 0 && age < servers.maxAgeMs)) removeServerVersions(draft, baseUrl)
  }
}
