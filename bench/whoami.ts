/**
 * The protocol core's costs (issue 3): how long importing src/main/matrix takes in a fresh process,
 * and what one `whoami` costs through MatrixClient, through a bare fetch, and through
 * matrix-js-sdk, all against the same loopback test homeserver in one run. Prints figures,
 * asserts nothing.
 *
 * `npx tsx bench/whoami.ts` (or `npm run bench -- whoami`). CALLS=2000 to change the sample size.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { startHomeserver } from '../test/homeserver/index'
import { MatrixClient } from '../src/main/matrix/index'

const ROOT = resolve(import.meta.dirname, '..')
const CALLS = Number(process.env.CALLS ?? 500)
const WARMUP = 50
const IMPORT_RUNS = 7

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number
}

const ms = (v: number) => `${v.toFixed(2).padStart(8)} ms`
const us = (v: number) => `${(v * 1000).toFixed(0).padStart(6)} µs`

/** Milliseconds to `import()` a module in a fresh Node process, median of several runs. */
function importTime(specifier: string, extraArgs: string[] = []): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t)`
  const runs: number[] = []
  for (let i = 0; i < IMPORT_RUNS; i++) {
    const r = spawnSync(process.execPath, [...extraArgs, '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`import of ${specifier} failed: ${r.stderr}`)
    runs.push(Number(r.stdout.trim().split('\n').at(-1)))
  }
  return median(runs)
}

async function importTimes(): Promise<void> {
  // What the app and the CLI load: the core bundled into one file, as electron-vite and the CLI
  // build do. Also through tsx (as tests and scripts see it), and matrix-js-sdk for scale.
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'))
  try {
    const bundle = join(dir, 'matrix.mjs')
    await build({ entryPoints: [join(ROOT, 'src/main/matrix/index.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, logLevel: 'silent' })
    const empty = join(dir, 'empty.mjs')
    writeFileSync(empty, 'export {}\n')
    const baseline = importTime(empty)
    const core = importTime(bundle)
    const viaTsx = importTime(join(ROOT, 'src/main/matrix/index.ts'), ['--import', 'tsx'])
    const baselineTsx = importTime(empty, ['--import', 'tsx'])
    const builtins = join(dir, 'builtins.mjs')
    writeFileSync(builtins, "import 'node:http'\nimport 'node:https'\n")
    const httpOnly = importTime(builtins)
    const taken = join(dir, 'taken.mjs')
    writeFileSync(taken, "process.getBuiltinModule('node:http')\nprocess.getBuiltinModule('node:https')\n")
    const httpTaken = importTime(taken)
    const sdk = importTime('matrix-js-sdk')
    console.log(`import time, fresh process, median of ${IMPORT_RUNS} (an empty module costs ${baseline.toFixed(2)} ms):`)
    console.log(`  src/main/matrix, bundled   ${ms(core)}   (${(core - baseline).toFixed(2)} ms above an empty module)`)
    console.log(`  src/main/matrix, via tsx   ${ms(viaTsx)}   (${(viaTsx - baselineTsx).toFixed(2)} ms above an empty module via tsx)`)
    console.log(`  node:http + node:https     ${ms(httpOnly)}   (the builtins the core needs, imported: on Node 22 this loads undici)`)
    console.log(`    the same, taken          ${ms(httpTaken)}   (process.getBuiltinModule, as src/main/node-http.ts takes them)`)
    console.log(`  matrix-js-sdk              ${ms(sdk)}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function timeCalls(call: () => Promise<unknown>, count: number): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < count; i++) {
    const t = performance.now()
    await call()
    samples.push(performance.now() - t)
  }
  return samples
}

async function perCall(): Promise<void> {
  const hs = await startHomeserver({ users: [{ localpart: 'alice', password: 'wonderland' }] })
  try {
    const versions = ((await (await fetch(`${hs.url}/_matrix/client/versions`)).json()) as { versions: string[] }).versions
    const client = new MatrixClient({ baseUrl: hs.url, versions })
    const session = await client.login({ type: 'password', identifier: { kind: 'user', user: 'alice' }, password: 'wonderland', refreshToken: false })

    const url = `${hs.url}/_matrix/client/v3/account/whoami`
    const rawFetch = async () => {
      const res = await fetch(url, { headers: { Authorization: `Bearer ${session.accessToken}` } })
      if (res.status !== 200) throw new Error(`whoami answered ${res.status}`)
      return res.json()
    }

    const sdkModule = await import('matrix-js-sdk')
    // Its default logger prints two lines per request, which would be measured too.
    const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, getChild: () => quiet }
    const sdk = sdkModule.createClient({ baseUrl: hs.url, accessToken: session.accessToken, userId: session.userId, deviceId: session.deviceId, logger: quiet })

    const contenders: Array<[string, () => Promise<unknown>]> = [
      ['MatrixClient.whoami()', () => client.whoami()],
      ['fetch + res.json()', rawFetch],
      ['matrix-js-sdk whoami()', () => sdk.whoami()],
    ]
    // Interleave rounds so that a noisy neighbour on a shared machine hurts everyone alike.
    for (const [, call] of contenders) await timeCalls(call, WARMUP)
    const samples = new Map<string, number[]>(contenders.map(([name]) => [name, []]))
    const rounds = 5
    const perRound = Math.ceil(CALLS / rounds)
    for (let round = 0; round < rounds; round++) {
      for (const [name, call] of contenders) samples.get(name)!.push(...(await timeCalls(call, perRound)))
    }
    console.log(`\nwhoami per call against one loopback test homeserver (${rounds} interleaved rounds, ${perRound} calls each after ${WARMUP} warm-up calls):`)
    console.log(`  ${'client'.padEnd(26)} ${'median'.padStart(9)} ${'p95'.padStart(9)}`)
    for (const [name] of contenders) {
      const s = samples.get(name)!
      console.log(`  ${name.padEnd(26)} ${us(median(s))} ${us(percentile(s, 95))}`)
    }
    sdk.stopClient()
  } finally {
    await hs.close()
  }
}

await importTimes()
await perCall()
