/** Plain-text renderings for people; `--json` prints the contract's own objects instead. */
import type { Account, AccountsSnapshot, Device, Discovery } from '../shared/contract'

function table(rows: string[][], header: string[]): string {
  const all = [header, ...rows]
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)))
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/**
 * The account as a person recognises it: its label, its user id, and the homeserver's host when
 * the person accepted a homeserver the user id's server does not vouch for (issue 9 §2).
 */
export function accountName(a: Account): string {
  const who = a.servedBy ? `${a.userId} (served by ${a.servedBy})` : a.userId
  return a.label ? `${a.label} (${who})` : who
}

export function formatAccounts(snapshot: AccountsSnapshot): string {
  if (snapshot.accounts.length === 0) return 'No accounts yet; add one with latchkey add <server> <user>.'
  const rows = snapshot.accounts.map((a) => [
    a.id === snapshot.activeId ? '*' : '',
    a.id,
    accountName(a),
    a.deviceId,
    signInText(a),
    statusText(a),
  ])
  return table(rows, ['', 'ID', 'ACCOUNT', 'DEVICE', 'SIGN-IN', 'STATUS'])
}

/** How the account signed in, in a word: password, sso, oauth (the server's own page), login-token. */
function signInText(a: Account): string {
  return a.signInMethod ?? '-'
}

function statusText(a: Account): string {
  return a.statusMessage ? `${a.status}: ${a.statusMessage}` : a.status
}

export function formatDevices(devices: readonly Device[]): string {
  if (devices.length === 0) return 'No devices.'
  const rows = devices.map((d) => [
    d.current ? '*' : '',
    d.deviceId,
    d.displayName ?? '',
    d.lastSeenTs === undefined ? '' : new Date(d.lastSeenTs).toISOString().replace(/\.\d+Z$/, 'Z'),
    d.lastSeenIp ?? '',
  ])
  return table(rows, ['', 'DEVICE', 'NAME', 'LAST SEEN', 'IP'])
}

export function formatDiscovery(d: Discovery): string {
  const ways = [
    d.oauth.offered ? `the server's own page (latchkey oauth${d.oauth.deviceCode ? ', or --device-code' : ''})` : undefined,
    d.password ? 'password' : undefined,
    d.sso ? `SSO${d.identityProviders.length > 0 ? ` (${d.identityProviders.map((p) => `${p.name} [${p.id}]`).join(', ')})` : ''}` : undefined,
    d.loginToken ? 'login token' : undefined,
  ].filter((w): w is string => w !== undefined)
  const lines = [
    `Server:       ${d.serverName}`,
    `Address:      ${d.baseUrl}`,
    `Versions:     ${d.versions.join(', ') || 'none advertised'}`,
    `Sign in with: ${ways.join(', ') || 'nothing Latchkey supports'}`,
    `Login tokens for other devices: ${d.getLoginToken ? 'yes' : 'no'}`,
  ]
  if (d.oauth.offered) lines.push(`OAuth 2.0:    offered${d.oauthAwarePreferred ? ' (preferred by the server)' : ''}`)
  if (d.oauth.accountManagementUrl) lines.push(`Account page: ${d.oauth.accountManagementUrl}`)
  for (const w of d.warnings) lines.push(`Note: ${w}`)
  return lines.join('\n')
}

/** "in 2 minutes" style, for a login token's expiry. */
export function formatExpiry(expiresAt: number, now = Date.now()): string {
  const at = new Date(expiresAt).toISOString().replace(/\.\d+Z$/, 'Z')
  const seconds = Math.max(0, Math.round((expiresAt - now) / 1000))
  const inText = seconds >= 120 ? `${Math.round(seconds / 60)} minutes` : `${seconds} seconds`
  return `${at} (in ${inText})`
}
