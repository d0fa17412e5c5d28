/**
 * The registry's records as the contract shows them. Fields are copied by name, one by one, so
 * nothing a record might carry beyond the contract's Account reaches the renderer or the CLI.
 */
import type { AccountRecord, RegistrySnapshot, SecretStore } from '../accounts'
import type { Account, AccountsSnapshot } from '../../shared/contract'

export function toAccount(r: AccountRecord): Account {
  const a: Account = {
    id: r.id,
    userId: r.userId,
    homeserverUrl: r.homeserverUrl,
    serverName: r.serverName,
    deviceId: r.deviceId,
    authApi: r.authApi,
    order: r.order,
    addedAt: r.addedAt,
    status: r.status,
  }
  if (r.displayName !== undefined) a.displayName = r.displayName
  if (r.avatarUrl !== undefined) a.avatarUrl = r.avatarUrl
  if (r.label !== undefined) a.label = r.label
  if (r.color !== undefined) a.color = r.color
  if (r.lastCheckedAt !== undefined) a.lastCheckedAt = r.lastCheckedAt
  if (r.statusMessage !== undefined) a.statusMessage = r.statusMessage
  // issue 9 §2: a homeserver the person vouched for themselves is named beside the user id.
  if (r.serverTrust === 'confirmed') a.servedBy = new URL(r.homeserverUrl).host
  // Issue 11: what the sidebar's badge and the devices view's warning need, without a request.
  if (r.knownDevices) {
    let fresh = 0
    for (const id in r.knownDevices) if (r.knownDevices[id]?.new) fresh++
    if (fresh > 0) a.newDevices = fresh
  }
  if (r.masterKey?.changedAt !== undefined) a.identityChangedAt = r.masterKey.changedAt
  if (r.signInMethod !== undefined) a.signInMethod = r.signInMethod
  // The same rule as signOutDevices and logoutAll (devices.ts, logout.ts): such servers end sessions on their page.
  if (r.authApi === 'oauth' || r.accountManagement) a.signOutInBrowser = true
  return a
}

export function toSnapshot(s: RegistrySnapshot, secrets: Pick<SecretStore, 'kind'>, storageNotice: string | undefined): AccountsSnapshot {
  const snapshot: AccountsSnapshot = {
    accounts: s.accounts.map(toAccount),
    activeId: s.activeId,
    storage: secrets.kind,
  }
  if (storageNotice) snapshot.storageNotice = storageNotice
  return snapshot
}

/** `@alice:example.org` → `example.org`: the server name a user id names. */
export function serverNameOf(userId: string): string {
  return userId.slice(userId.indexOf(':') + 1)
}
