/** `latchkey review`: every account's security recommendations, with the devices behind them. */
import type { AccountReview, Device, NewDeviceReport } from '../../shared/contract'
import { CliError } from '../cli-error'
import type { JsonOption, RegisterCommand } from '../command-kit'

interface ReviewOptions extends JsonOption {
  inactiveDays?: string
}

export const register: RegisterCommand = (program, kit) => {
  program
    .command('review')
    .description(
      'Show what needs attention on every account: sessions nobody verified, sessions inactive for 90 days or more, sessions that are new since you last looked, and sessions whose verification could not be checked.',
    )
    .option('--inactive-days <days>', 'how many days without activity count as inactive (default 90)')
    .option('--json', 'print JSON')
    .action(async (opts: ReviewOptions) => {
      const days = opts.inactiveDays === undefined ? undefined : Number(opts.inactiveDays)
      if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) {
        throw new CliError('usage', `"--inactive-days ${opts.inactiveDays}" is not a number of days between 1 and 3650.`)
      }
      const result = await (await kit.service()).review(days === undefined ? undefined : { inactiveDays: days })
      kit.print(opts, result, () => formatReview(result.accounts, days ?? 90))
    })
}

/** "Element X Android on Android" / "Firefox on Windows 10" / the display name / the id. */
export function describe(d: Device): string {
  const client = d.client ? [d.client.name, d.client.version].filter(Boolean).join(' ') : undefined
  if (client && d.os && !client.includes(d.os)) return `${client} on ${d.os}`
  return client ?? d.displayName ?? d.os ?? d.deviceId
}

function lastSeen(d: Device): string {
  return d.lastSeenTs === undefined ? 'never seen' : `last seen ${new Date(d.lastSeenTs).toISOString().slice(0, 10)}`
}

export function formatReview(reviews: readonly AccountReview[], inactiveDays: number): string {
  if (reviews.length === 0) return 'No accounts.'
  const blocks = reviews.map((r) => {
    const lines: string[] = []
    if (r.error) return `${r.userId}\n  ${r.error.message}`
    const counts = [
      r.unverified.length > 0 ? `${r.unverified.length} unverified` : undefined,
      r.inactive.length > 0 ? `${r.inactive.length} inactive for ${inactiveDays}+ days` : undefined,
      r.new.length > 0 ? `${r.new.length} new since you last looked` : undefined,
      r.unknown.length > 0 ? `${r.unknown.length} could not be checked` : undefined,
    ].filter((c): c is string => c !== undefined)
    lines.push(`${r.userId}  ${counts.length > 0 ? counts.join(' · ') : 'nothing needs attention'}`)
    if (r.identityChangedAt) {
      lines.push(
        `  WARNING: this account's verification identity changed on ${r.identityChangedAt.slice(0, 10)}, so no session of it is called verified. If you did not reset it, check every session; if you did, run latchkey confirm-identity --account ${r.userId}.`,
      )
    }
    const byId = new Map(r.devices.map((d) => [d.deviceId, d]))
    const section = (title: string, ids: readonly string[]): void => {
      for (const id of ids) {
        const d = byId.get(id)
        lines.push(`  ${title.padEnd(12)} ${id.padEnd(12)} ${d ? `${describe(d)}, ${lastSeen(d)}` : ''}`.trimEnd())
      }
    }
    section('new', r.new)
    section('unverified', r.unverified)
    section('inactive', r.inactive)
    section('unchecked', r.unknown)
    return lines.join('\n')
  })
  return blocks.join('\n\n')
}

export function formatNewDevices(reports: readonly NewDeviceReport[]): string {
  return reports
    .map((r) => `New sign-in to ${r.userId}: ${r.device.deviceId}${r.device.firstSeenAt ? `, first seen ${r.device.firstSeenAt.replace(/\.\d+Z$/, 'Z')}` : ''}`)
    .join('\n')
}
