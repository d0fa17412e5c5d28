/** Times as people read them: "3 days ago", "1:54". */

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['week', 7 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
]

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
const absolute = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' })

export function relativeTime(ts: number, now: number): string {
  const delta = ts - now
  const size = Math.abs(delta)
  if (size < 60_000) return 'just now'
  for (const [unit, ms] of UNITS) {
    if (size >= ms) return relative.format(Math.round(delta / ms), unit)
  }
  return 'just now'
}

export function absoluteTime(ts: number): string {
  return absolute.format(ts)
}

/** "1:05" for 65 seconds; "1:02:03" past an hour. Never negative. */
export function countdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/** "12 seconds", "2 minutes" — for waits the server asks for. */
export function duration(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000))
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`
  const minutes = Math.ceil(seconds / 60)
  return `${minutes} minutes`
}
