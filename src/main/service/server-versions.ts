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
    // setServerVersions keeps it within accounts.json's bounds, whatever the server advertised.
    setServerVersions(draft, baseUrl, { ...learnt.versions, fetchedAt: new Date(learnt.fetchedAt).toISOString() })
  }
  for (const [baseUrl, record] of Object.entries(draft.servers)) {
    const age = servers.now() - Date.parse(record.fetchedAt)
    if (!(age >= 0 && age < servers.maxAgeMs)) removeServerVersions(draft, baseUrl)
  }
}
