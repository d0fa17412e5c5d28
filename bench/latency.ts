/**
 * Issue 13 §3: checking every account at a distance. 100 accounts on 10 "hosts" (ports of a
 * delaying proxy in front of one test homeserver) at RTT_MS round trip (default 100 ms), in a
 * private keyring (scripts/with-keyring.sh). Prints, each as a ratio to one round trip:
 * `checkAll` cold (a new process: no kept versions, new connections) and warm (kept versions,
 * live sockets), the CLI's `check` beyond its start (versions kept from earlier runs), and bare
 * parallel `fetch` as the reference; and the harness's own floor, the same requests written
 * ready-made on open sockets with no HTTP client at all, and how late the proxy delivered. Targets
 * (issue 13): warm ≤ 1.3, cold ≤ 3.3, CLI ≤ 2.5.
 * Prints figures, asserts nothing.
 *
 * `npm run bench -- latency` (RTT_MS=200, ACCOUNTS=100, HOSTS=10 to change the set-up; BENCH_PROF=<dir>
 * for a CPU profile of each measured process).
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { createSessionService } from '../src/main/service/index'
import { startDelayProxy, type DelayProxy } from './lib/delay-proxy'
import { startHomeserverProcess, type HomeserverProcess } from './lib/homeserver-process'
import { latencyUsers } from './lib/latency-homeserver'

const ROOT = resolve(import.meta.dirname, '..')
const RTT = Number(process.env.RTT_MS ?? 100)
const ACCOUNTS = Number(process.env.ACCOUNTS ?? 100)
const HOSTS = Number(process.env.HOSTS ?? 10)
const CLI_RUNS = Number(process.env.CLI_RUNS ?? 7)
const KEYRING_FLAG = 'LATCHKEY_BENCH_IN_KEYRING'

// The keychain is part of what is measured (one read per account per process), so the bench runs
// inside a private one; it re-runs itself there.
if (!process.env[KEYRING_FLAG]) {
  const tools = spawnSync('sh', ['-c', 'command -v dbus-run-session && command -v gnome-keyring-daemon'], { encoding: 'utf8' })
  if (tools.status !== 0) {
    console.log('latency bench skipped: it needs dbus-run-session and gnome-keyring-daemon (a private keyring, as scripts/with-keyring.sh makes).')
    process.exit(0)
  }
  const run = spawnSync(join(ROOT, 'scripts/with-keyring.sh'), [process.execPath, '--import', 'tsx', import.meta.filename], {
    stdio: 'inherit',
    env: { ...process.env, [KEYRING_FLAG]: '1' },
  })
  process.exit(run.status ?? 1)
}

/** BENCH_PROF=<dir>: each measured child process writes a CPU profile there. */
function profiled(): string[] {
  return process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

interface ChildRuns {
  cold: number
  warm: number[]
  statuses?: string[]
  /** CPU milliseconds the proxy (this process) and the test homeserver (its own) spent per warm round. */
  cpuPerRound: { proxy: number; homeserver: number }
}

function child(mode: 'service' | 'fetch' | 'floor', env: NodeJS.ProcessEnv, stdin = ''): Promise<ChildRuns> {
  return new Promise((resolvePromise, reject) => {
    let warmStart: { proxy: NodeJS.CpuUsage; homeserver: Promise<number> } | undefined
    let warmCpu: { proxy: number; homeserver: Promise<number> } | undefined
    const p = spawn(process.execPath, [...profiled(), '--import', 'tsx', join(import.meta.dirname, 'lib/latency-child.ts'), mode], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] })
    let out = ''
    p.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      if (!warmStart && out.includes('MARK warm-start\n')) warmStart = { proxy: process.cpuUsage(), homeserver: hs.cpuMs() }
      if (warmStart && !warmCpu && out.includes('MARK warm-end\n')) {
        const used = process.cpuUsage(warmStart.proxy)
        const since = warmStart.homeserver
        warmCpu = { proxy: (used.user + used.system) / 1000, homeserver: Promise.all([since, hs.cpuMs()]).then(([then, now]) => now - then) }
      }
    })
    p.on('error', reject)
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`latency child ${mode} exited ${code}`))
      const runs = JSON.parse(out.trim().split('\n').at(-1)!) as Omit<ChildRuns, 'cpuPerRound'>
      const rounds = runs.warm.length
      void (warmCpu?.homeserver ?? Promise.resolve(0)).then((homeserver) =>
        resolvePromise({ ...runs, cpuPerRound: { proxy: (warmCpu?.proxy ?? 0) / rounds, homeserver: homeserver / rounds } }),
      )
    })
    p.stdin.end(stdin)
  })
}

/** Wall time of a process, from spawn to exit. Never spawnSync: the proxy lives in this process. */
function timeProcess(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const t = performance.now()
    const p = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    p.on('error', reject)
    p.on('close', (status) => resolvePromise({ ms: performance.now() - t, status, stdout, stderr }))
  })
}

const users = latencyUsers(ACCOUNTS)
// In a process of its own, as a real server is; no well-known, so each account's base URL stays
// its proxy port (the test homeserver's would name itself).
const hs: HomeserverProcess = await startHomeserverProcess(join(import.meta.dirname, 'lib/latency-homeserver.ts'), [String(ACCOUNTS)])
const upstreamPort = Number(new URL(hs.url).port)
const proxy: DelayProxy = await startDelayProxy({ upstreamPort, hosts: HOSTS, oneWayMs: 0 })
const home = await mkdtemp(join(tmpdir(), 'latchkey-latency-'))
const keychainService = `latchkey-bench-${process.pid}`
const env = { LATCHKEY_HOME: home, LATCHKEY_KEYCHAIN_SERVICE: keychainService }
const cliDir = mkdtempSync(join(ROOT, '.bench-cli-'))
try {
  // Set-up without delay: sign every account in through its "host", and a bare token each for fetch.
  const setup = await createSessionService({ dataDir: home, keychainService, watchAccounts: false })
  const targets: Array<{ url: string; token: string }> = []
  for (let start = 0; start < ACCOUNTS; start += 10) {
    await Promise.all(
      users.slice(start, start + 10).map(async (u, k) => {
        const url = proxy.urls[(start + k) % HOSTS]!
        await setup.addWithPassword({ server: url, identifier: { kind: 'user', user: u.localpart }, password: u.password })
        const res = await fetch(`${url}/_matrix/client/v3/login`, { method: 'POST', body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: u.localpart }, password: u.password }) })
        targets.push({ url, token: ((await res.json()) as { access_token: string }).access_token })
      }),
    )
  }
  await setup.close()

  // The CLI as it ships: bundled (lazy imports stay lazy), run by plain Node.
  await build({
    entryPoints: [join(ROOT, 'src/cli/latchkey.ts')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: cliDir,
    logLevel: 'silent',
  })
  const cli = join(cliDir, 'latchkey.js')

  proxy.oneWayMs = RTT / 2
  const rows: Array<[string, number, number, string]> = []
  const row = (name: string, ms: number, connections: number, target: string) => rows.push([name, ms, connections, target])

  proxy.connections = 0
  const bare = await child('fetch', { WARMUP_URL: `${hs.url}/_matrix/client/versions` }, JSON.stringify(targets))
  row('bare parallel fetch, cold', bare.cold, proxy.connections, '(2.0: connect + request)')
  row('bare parallel fetch, warm', median(bare.warm.slice(1)), 0, '(1.0)')
  const floor = await child('floor', {}, JSON.stringify(targets))
  row('raw sockets, warm (floor)', median(floor.warm.slice(1)), 0, '(no HTTP client)')
  proxy.resetLateness()

  proxy.connections = 0
  const service = await child('service', env)
  if (service.statuses?.join() !== 'active') console.log(`  (statuses seen: ${service.statuses?.join(', ')})`)
  const coldConnections = proxy.connections
  row('checkAll, cold', service.cold, coldConnections, '≤ 3.3')
  row('checkAll, warm', median(service.warm.slice(1)), 0, '≤ 1.3')
  const late = proxy.lateness()
  // The same with no delay: the local part (files, keychain, the machine's own load).
  proxy.oneWayMs = 0
  const serviceLocal = await child('service', env)
  proxy.oneWayMs = RTT / 2

  // Beyond its start: `check` against `accounts` (same start, no network, no keychain), interleaved.
  const checks: number[] = []
  const starts: number[] = []
  let cliConnections = 0
  for (let i = 0; i < CLI_RUNS; i++) {
    starts.push((await timeProcess([cli, 'accounts'], env)).ms)
    proxy.connections = 0
    const run = await timeProcess([...profiled(), cli, 'check'], env)
    cliConnections = proxy.connections
    if (run.status !== 0) console.log(`  (latchkey check exited ${run.status}: ${run.stderr.trim().split('\n').at(-1)} ${process.env.DEBUG_CLI ? run.stdout : ''})`)
    checks.push(run.ms)
  }
  row('latchkey check, beyond start', median(checks) - median(starts), cliConnections, '≤ 2.5')
  // The same with no delay: what of it is local work (keychain, files, modules) rather than distance.
  proxy.oneWayMs = 0
  const local: number[] = []
  for (let i = 0; i < CLI_RUNS; i++) local.push((await timeProcess([cli, 'check'], env)).ms)
  const localBeyondStart = median(local) - median(starts)
  proxy.oneWayMs = RTT / 2

  console.log(`latency: ${ACCOUNTS} accounts on ${HOSTS} hosts, ${RTT} ms round trip (a new connection costs one more), private keyring`)
  console.log(`  ${'what'.padEnd(30)} ${'ms'.padStart(8)} ${'× RTT'.padStart(7)} ${'new conns'.padStart(10)}   target`)
  for (const [name, ms, connections, target] of rows) {
    console.log(`  ${name.padEnd(30)} ${ms.toFixed(1).padStart(8)} ${(ms / RTT).toFixed(2).padStart(7)} ${String(connections).padStart(10)}   ${target}`)
  }
  console.log(`  (warm: median of the ${service.warm.length - 1} rounds after the first warm one; fetch opens more connections on its second round)`)
  console.log(
    `  (the floor writes the same requests ready-made on open sockets and counts each answer's bytes without reading it: what is left is the proxy, the test homeserver and this machine;` +
      ` the proxy delivered a piece on average ${late.toFixed(2)} ms after it was due, never earlier than half a millisecond before, so a round trip took about ${(RTT + 2 * late).toFixed(1)} ms)`,
  )
  console.log(`  (latchkey check took ${median(checks).toFixed(0)} ms in all; latchkey accounts, its start, ${median(starts).toFixed(0)} ms; medians of ${CLI_RUNS})`)
  console.log(`  (with no delay at all: checkAll cold ${serviceLocal.cold.toFixed(0)} ms, warm ${median(serviceLocal.warm.slice(1)).toFixed(0)} ms — the local part of the figures above)`)
  const cpu = (r: ChildRuns) => `${r.cpuPerRound.proxy.toFixed(1)} ms and ${r.cpuPerRound.homeserver.toFixed(1)} ms`
  console.log(
    `  (the proxy, in the bench's process, and the test homeserver, in its own, spent ${cpu(service)} of CPU per warm round of checkAll, ${cpu(bare)} per round of fetch:` +
      ` the network's and a distant server's own time, spent here on the same ${availableParallelism()} cores)`,
  )
  console.log(`  (latchkey check with no delay: ${localBeyondStart.toFixed(0)} ms beyond its start, the local part; the distance added ${((median(checks) - median(local)) / RTT).toFixed(2)} × RTT)`)
} finally {
  rmSync(cliDir, { recursive: true, force: true })
  await proxy.close()
  await hs.close()
  await rm(home, { recursive: true, force: true })
}
