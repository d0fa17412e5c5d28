/**
 * Start-up of the built command line (issue 13 §3): `latchkey accounts` on an empty data folder
 * and `latchkey --version`, each against a bare `node -e 0` measured in the same rounds, as
 * medians and as ratios. Targets (read by people, not asserted): accounts ≤ 3×, --version ≤ 2×.
 *
 * The CLI is built first (vite.cli.config.ts, a second or two), so the figures are for the code
 * as it is now. Runs are interleaved round by round, so a busy machine slows all three alike.
 * START_RUNS sets the number of rounds (default 30).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
const CLI = join(ROOT, 'out', 'cli', 'latchkey.js')
const RUNS = Math.max(3, Number(process.env.START_RUNS ?? 30) || 30)

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Wall time of one process from spawn to exit, in milliseconds. */
function timeOnce(args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint()
  const run = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6
  if (run.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited ${run.status ?? run.signal}: ${run.stderr.toString().trim()}`)
  }
  return elapsed
}

function build(): void {
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js')
  const run = spawnSync(process.execPath, [vite, 'build', '--config', 'vite.cli.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' })
  if (run.status !== 0) throw new Error('the CLI did not build (vite build --config vite.cli.config.ts)')
}

function main(): void {
  build()
  const home = mkdtempSync(join(tmpdir(), 'latchkey-bench-start-'))
  // No keychain is opened by `accounts`; the service name only keeps a stray run off real entries.
  const env: NodeJS.ProcessEnv = { ...process.env, LATCHKEY_HOME: home, LATCHKEY_KEYCHAIN_SERVICE: 'latchkey-bench', NO_COLOR: '1' }
  delete env.LATCHKEY_SECRET_STORE
  const cases: Array<{ name: string; args: string[] }> = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'latchkey accounts', args: [CLI, 'accounts'] },
    { name: 'latchkey --version', args: [CLI, '--version'] },
  ]
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]))
  try {
    // One untimed round: the first start of each reads its files from disk.
    for (const c of cases) timeOnce(c.args, env)
    for (let round = 0; round < RUNS; round++) {
      // Rotate the order, so no case always runs right after another.
      for (let i = 0; i < cases.length; i++) {
        const c = cases[(round + i) % cases.length]!
        times.get(c.name)!.push(timeOnce(c.args, env))
      }
    }
  } finally {
    rmSync(home, { recursive: true, force: true })
  }

  const base = median(times.get('node -e 0')!)
  const fastestBase = Math.min(...times.get('node -e 0')!)
  const targets: Record<string, number> = { 'latchkey accounts': 3, 'latchkey --version': 2 }
  console.log(`CLI start-up, built out/cli/latchkey.js, empty LATCHKEY_HOME, ${RUNS} interleaved rounds:`)
  console.log(`  ${''.padEnd(20)} ${'median'.padStart(10)} ${'ratio'.padStart(7)}   ${'fastest'.padStart(10)} ${'ratio'.padStart(7)}`)
  for (const c of cases) {
    const m = median(times.get(c.name)!)
    const fastest = Math.min(...times.get(c.name)!)
    const target = targets[c.name]
    console.log(
      `  ${c.name.padEnd(20)} ${`${m.toFixed(1)} ms`.padStart(10)} ${`${(m / base).toFixed(2)}×`.padStart(7)}   ${`${fastest.toFixed(1)} ms`.padStart(10)} ${`${(fastest / fastestBase).toFixed(2)}×`.padStart(7)}${target ? `   (target ≤ ${target}× node -e 0)` : ''}`,
    )
  }
}

main()
