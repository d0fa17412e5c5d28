/**
 * Issue 11's figures. Prints, asserts nothing:
 * - the signature checks for 200 devices (target ≤ 20 ms): matrix/cross-signing.ts over a real
 *   /keys/query answer made with Node's ed25519;
 * - the overview for 20 accounts × 200 devices against the test homeserver (keys, client
 *   information and user agents included), next to its reference: each account's own three
 *   requests (devices, keys, filtered sync) run in parallel, the slowest account's time
 *   (target: the overview within 1.3× of that) — with the homeserver in a process of its own, as
 *   a real one is elsewhere, and in the bench's own process, where its work adds to the review's.
 *
 * - the overview's first paint in Chromium (target ≤ 50 ms): from the click on "Security overview"
 *   until the 20 accounts' cards (200 devices each, from the demo bridge) are laid out.
 *
 * `npx tsx bench/insights.ts` (or `npm run bench -- insights`). ACCOUNTS=… and DEVICES=… change the
 * sizes; `--no-build` measures out/renderer as it is.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemorySecretStore } from '../src/main/accounts/secrets'
import { MatrixClient, verifyDevices } from '../src/main/matrix'
import { createSessionService } from '../src/main/service'
import { newCrossSigningIdentity, newDeviceKeys, verifiedBy } from '../test/homeserver/cross-signing'
import { startHomeserverProcess } from './lib/homeserver-process'
import { reviewUsers, startReviewHomeserver } from './lib/review-homeserver'
import { chromium } from '@playwright/test'
import { CALL_NAMES } from '../src/shared/channels'
import { NAME_SHIM, installDemoBridge } from '../e2e/support/demoBridge'
import { buildRenderer } from '../e2e/support/buildRenderer'
import { warmProfile } from './lib/warm-profile'
import { serveRenderer } from '../e2e/support/staticServer'

// The review's per-host width (tuning.checksPerHost) can be changed with PER_HOST=… to see its effect.

const ACCOUNTS = Number(process.env.ACCOUNTS ?? 20)
const DEVICES = Number(process.env.DEVICES ?? 200)
const RUNS = 9
// The overview is quick and the machine noisy: more rounds for steadier medians.
const OVERVIEW_RUNS = 25

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)]!
  return `median ${median.toFixed(1)} ms, min ${sorted[0]!.toFixed(1)}, max ${sorted[sorted.length - 1]!.toFixed(1)} (${samples.length} runs)`
}

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!

/** 200 verified devices of a fresh identity each run, so every run checks signatures it has never seen. */
async function signatureChecks(): Promise<void> {
  const userId = '@alice:example.org'
  const answers = Array.from({ length: RUNS + 1 }, () => {
    const identity = newCrossSigningIdentity(userId)
    const deviceKeys: Record<string, unknown> = {}
    for (let i = 0; i < DEVICES; i++) deviceKeys[`D${i}`] = verifiedBy(identity, newDeviceKeys(userId, `D${i}`).json)
    return { deviceKeys, masterKey: identity.masterJson, selfSigningKey: identity.selfSigningJson }
  })
  const ids = Array.from({ length: DEVICES }, (_, i) => `D${i}`)
  const cold: number[] = []
  const warm: number[] = []
  for (const [i, answer] of answers.entries()) {
    let t = performance.now()
    const result = await verifyDevices(userId, answer, ids)
    if (i > 0) cold.push(performance.now() - t) // the first run warms up the JIT
    if ([...result.devices.values()].some((v) => v.state !== 'verified')) throw new Error('a device did not verify')
    t = performance.now()
    await verifyDevices(userId, answer, ids)
    if (i > 0) warm.push(performance.now() - t)
  }
  console.log(`Signature checks, ${DEVICES} verified devices (self-signing key checked against the master key, each device against it):`)
  console.log(`  first look at an answer: ${stats(cold)} (target ≤ 20 ms)`)
  console.log(`  the same answer again (checks remembered): ${stats(warm)}`)
}

/** Where the review's homeserver runs: in this process (its work on the review's own thread), or in its own. */
type Placement = 'in this process' | 'in its own process'

/** The bench's homeserver, wherever it runs, and how to stop it. */
async function reviewHomeserver(placement: Placement): Promise<{ url: string; close: () => Promise<void> }> {
  if (placement === 'in this process') {
    const hs = await startReviewHomeserver(ACCOUNTS, DEVICES)
    return { url: hs.url, close: () => hs.close() }
  }
  return startHomeserverProcess(join(import.meta.dirname, 'lib/review-homeserver.ts'), [String(ACCOUNTS), String(DEVICES)])
}

async function overview(placement: Placement): Promise<void> {
  const users = reviewUsers(ACCOUNTS)
  const hs = await reviewHomeserver(placement)
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-bench-'))
  const service = await createSessionService({ dataDir: dir, secrets: new MemorySecretStore(), watchAccounts: false, ...(process.env.PER_HOST ? { tuning: { checksPerHost: Number(process.env.PER_HOST) } } : {}), insightSettings: async () => ({ publishClientInformation: false, newDeviceCheckMinutes: 15 }) })
  try {
    const clients: MatrixClient[] = []
    for (const u of users) {
      await service.addWithPassword({ server: hs.url, identifier: { kind: 'user', user: u.localpart }, password: u.password })
      const client = new MatrixClient({ baseUrl: hs.url })
      await client.login({ type: 'password', identifier: { kind: 'user', user: u.localpart }, password: u.password, refreshToken: false })
      clients.push(client)
    }
    await service.review(undefined) // first look: remembers devices and master keys
    const reference: number[] = []
    const reviewed: number[] = []
    const cpu = { reference: 0, review: 0 }
    const cpuOf = (since: NodeJS.CpuUsage) => {
      const used = process.cpuUsage(since)
      return (used.user + used.system) / 1000
    }
    for (let i = 0; i < OVERVIEW_RUNS; i++) {
      // Reference: every account's own three requests in parallel; the slowest account's time.
      const referenceCpu = process.cpuUsage()
      const perAccount = await Promise.all(
        clients.map(async (c) => {
          const t = performance.now()
          await Promise.all([c.devices(), c.keysQuery([c.userId!]), c.clientInformation()])
          return performance.now() - t
        }),
      )
      reference.push(Math.max(...perAccount))
      cpu.reference += cpuOf(referenceCpu)
      const reviewCpu = process.cpuUsage()
      const t = performance.now()
      if (i === 1) await warmProfile.start()
      const { accounts } = await service.review(undefined)
      reviewed.push(performance.now() - t)
      cpu.review += cpuOf(reviewCpu)
      if (i === OVERVIEW_RUNS - 1) await warmProfile.stop(`review-${placement === 'in this process' ? 'same' : 'own'}-process`)
      if (accounts.length !== ACCOUNTS || accounts.some((a) => a.error)) throw new Error('the review did not cover every account')
    }
    console.log(`\nOverview, ${ACCOUNTS} accounts × ${DEVICES} devices on one test homeserver ${placement} (keys query, client information and user agents included):`)
    console.log(`  review() across all accounts:                       ${stats(reviewed)}`)
    console.log(`  reference, the slowest account's own requests in parallel (all accounts at once): ${stats(reference)}`)
    console.log(`  ratio of medians: ${(median(reviewed) / median(reference)).toFixed(2)}× (target ≤ 1.3×)`)
    console.log(`  (CPU time of this process per run: review ${(cpu.review / OVERVIEW_RUNS).toFixed(1)} ms, reference ${(cpu.reference / OVERVIEW_RUNS).toFixed(1)} ms)`)
  } finally {
    await service.close()
    await hs.close()
    await rm(dir, { recursive: true, force: true })
  }
}

async function overviewPaint(): Promise<void> {
  if (!process.argv.includes('--no-build')) console.log(`\nBuilt with ${await buildRenderer()}.`)
  const server = await serveRenderer(join(import.meta.dirname, '..', 'out/renderer'))
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] })
  try {
    const page = await browser.newPage({ viewport: { width: 1120, height: 760 } })
    await page.addInitScript({ content: NAME_SHIM })
    await page.addInitScript(installDemoBridge, { callNames: [...CALL_NAMES], deviceCount: 4000 })
    await page.goto(server.url)
    await page.getByRole('list', { name: 'Other devices' }).getByRole('listitem').first().waitFor()
    const samples: number[] = []
    for (let i = 0; i < RUNS; i++) {
      samples.push(
        await page.evaluate(async () => {
          const start = performance.now()
          document.querySelector<HTMLElement>('[data-overview]')!.click()
          while (document.querySelectorAll('[data-review]').length < 20) await new Promise((r) => setTimeout(r, 0))
          document.body.getBoundingClientRect()
          const ms = performance.now() - start
          ;[...document.querySelectorAll<HTMLElement>('.overview button')].find((b) => b.textContent?.trim() === 'Close')!.click()
          await new Promise((r) => setTimeout(r, 50))
          return ms
        }),
      )
    }
    console.log(`\nOverview first paint in Chromium ${browser.version()}, 20 accounts × 200 devices (demo data):`)
    console.log(`  ${stats(samples)} (target ≤ 50 ms)`)
  } finally {
    await browser.close()
    await server.close()
  }
}

await signatureChecks()
// A real homeserver does its work elsewhere: in its own process the server's time overlaps the
// review's. In this process every millisecond of the server's is added to the review's.
await overview('in its own process')
await overview('in this process')
await overviewPaint()
