/**
 * `npm run bench`: runs every benchmark in this folder, one after another, each in its own
 * process (so one's warm caches don't flatter the next), and prints their figures. Nothing here
 * asserts: budgets are read by people, not by tests.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

const here = import.meta.dirname
const only = process.argv.slice(2)
const benches = readdirSync(here)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort()

let failed = 0
for (const file of benches) {
  console.log(`\n=== ${file} ===`)
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: 'inherit' })
  if (run.status !== 0) {
    failed += 1
    console.error(`${file} did not finish (exit ${run.status ?? run.signal}).`)
  }
}
process.exit(failed > 0 ? 1 : 0)
