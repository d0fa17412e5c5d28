/**
 * How long a server asks us to wait, said the way a person would say it: "12 seconds",
 * "about 3 minutes", "about 2 hours". The number comes from a server (`retry_after_ms`,
 * `Retry-After`), so it may be 0, negative, huge or not a number: it is rounded to what a
 * person can use and capped at a day ("more than a day"), never "0 ms" and never
 * "16666666667 minutes". Used by every sentence of main and the CLI that names a wait.
 */
const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

export function describeWait(ms: number): string {
  if (Number.isNaN(ms) || ms > DAY) return 'more than a day'
  if (ms < SECOND) return 'a moment'
  const seconds = Math.round(ms / SECOND)
  if (seconds === 1) return 'a second'
  if (seconds < 60) return `${seconds} seconds`
  const minutes = Math.round(ms / MINUTE)
  if (minutes <= 1) return 'about a minute'
  if (minutes < 60) return `about ${minutes} minutes`
  const hours = Math.round(ms / HOUR)
  return hours <= 1 ? 'about an hour' : `about ${hours} hours`
}
