/** A wait as people say it in the browser pages and errors: "5 minutes", "30 seconds". */
export function duration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return plural(ms / 60_000, 'minute')
  if (ms >= 1000) return plural(Math.round(ms / 1000), 'second')
  return plural(ms, 'millisecond')
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`
}
