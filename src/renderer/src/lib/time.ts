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

const clock = new Intl.DateTimeFormat('en', { timeStyle: 'short' })
const dayAndClock = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' })

/** "14:32" today, "Nov 28, 14:32" on another day: for "as of …". */
export function asOf(ts: number, now: number): string {
  return new Date(ts).toDateString() === new Date(now).toDateString() ? clock.format(ts) : dayAndClock.format(ts)
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

/**
 * A wait the server asks for, as a person says it: "12 seconds", "about 3 minutes", "about 2
 * hours", capped at "more than a day" (a server may ask for any number). Worded as main words it
 * (src/main/matrix/wait.ts), which the renderer cannot import.
 */
export function duration(ms: number): string {
  if (Number.isNaN(ms) || ms > 86_400_000) return 'more than a day'
  if (ms < 1000) return 'a moment'
  const seconds = Math.round(ms / 1000)
  if (seconds === 1) return 'a second'
  if (seconds < 60) return `${seconds} seconds`
  const minutes = Math.round(ms / 60_000)
  if (minutes <= 1) return 'about a minute'
  if (minutes < 60) return `about ${minutes} minutes`
  const hours = Math.round(ms / 3_600_000)
  return hours <= 1 ? 'about an hour' : `about ${hours} hours`
}

/** A wait on a button: a countdown while it is short, words once it is an hour or more. */
export function waitLabel(ms: number): string {
  return ms >= 3_600_000 ? duration(ms) : countdown(ms)
}
