/**
 * The renderer's budgets (issue 6): JS+CSS ≤ 100 kB gzip; in Chromium, the devices view with
 * 10,000 devices renders in ≤ 100 ms and filters in ≤ 30 ms. Prints figures, asserts nothing.
 *
 * `npx tsx bench/renderer.ts` builds the app as it ships (electron-vite build) and measures
 * out/renderer; `--no-build` measures out/renderer as it is. Timings are taken inside the page
 * with performance marks: from the change (a click, an event from main, a keystroke in the
 * search field) until Vue has patched the DOM and the browser has laid it out.
 */
import { chromium } from '@playwright/test'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { CALL_NAMES } from '../src/shared/channels'
import { NAME_SHIM, installDemoBridge } from '../e2e/support/demoBridge'
import { buildRenderer } from '../e2e/support/buildRenderer'
import { serveRenderer } from '../e2e/support/staticServer'

const ROOT = resolve(import.meta.dirname, '..')
const OUT = join(ROOT, 'out/renderer')
const DEVICES = 10_000
const RUNS = 9

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : [path]
  })
}

function kB(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`
}

function sizes(): void {
  const assets = files(OUT).filter((f) => /\.(js|css)$/.test(f))
  const html = readFileSync(join(OUT, 'index.html'), 'utf8')
  let total = 0
  let initial = 0
  console.log('Renderer bundle (gzip, level 9):')
  for (const file of assets) {
    const gz = gzipSync(readFileSync(file), { level: 9 }).length
    const name = relative(OUT, file)
    const eager = html.includes(name.replaceAll('\\', '/'))
    total += gz
    if (eager) initial += gz
    console.log(`  ${name.padEnd(36)} ${kB(statSync(file).size).padStart(9)} raw  ${kB(gz).padStart(8)} gzip${eager ? '' : '  (loaded on demand)'}`)
  }
  console.log(`  JS+CSS total: ${kB(total)} gzip (budget 100 kB); loaded at start: ${kB(initial)}`)
}

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)]!
  return `median ${median.toFixed(1)} ms, min ${sorted[0]!.toFixed(1)}, max ${sorted[sorted.length - 1]!.toFixed(1)} (${samples.length} runs)`
}

async function timings(): Promise<void> {
  const server = await serveRenderer(OUT)
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1120, height: 760 } })
    await page.addInitScript({ content: NAME_SHIM })
    await page.addInitScript(installDemoBridge, { callNames: [...CALL_NAMES], deviceCount: DEVICES })
    const t0 = Date.now()
    await page.goto(server.url)
    await page.getByRole('list', { name: 'Other devices' }).getByRole('listitem').first().waitFor()
    console.log(`\nDevices view, ${DEVICES.toLocaleString('en')} devices, Chromium ${browser.version()}:`)
    console.log(`  first load (page, accounts, devices, first paint of the list): ${Date.now() - t0} ms`)

    // In the page: run `change`, then wait until Vue's patch (a microtask) and layout are done.
    const measure = (what: 'open' | 'arrive' | 'filter' | 'clear' | 'inactive') =>
      page.evaluate(async (what) => {
        const settle = async () => {
          await new Promise((r) => setTimeout(r, 0))
          document.body.getBoundingClientRect()
        }
        const demo = (window as unknown as { __demo: { emit(e: string, p: unknown): void; devices: Array<Record<string, unknown>> } }).__demo
        const search = () => document.querySelector<HTMLInputElement>('#device-search')!
        const filter = () => document.querySelector<HTMLSelectElement>('#device-filter')!
        if (what === 'open') {
          document.querySelector<HTMLElement>('#tab-settings')!.click()
          await settle()
        }
        const fresh = what === 'arrive' ? demo.devices.map((d) => ({ ...d })) : []
        performance.mark(`${what}:start`)
        if (what === 'open') document.querySelector<HTMLElement>('#tab-devices')!.click()
        if (what === 'arrive') demo.emit('devicesChanged', { accountId: 'a1', devices: fresh })
        if (what === 'filter' || what === 'clear') {
          search().value = what === 'filter' ? 'nheko #12' : ''
          search().dispatchEvent(new Event('input'))
        }
        if (what === 'inactive') {
          filter().value = filter().value === 'inactive' ? 'all' : 'inactive'
          filter().dispatchEvent(new Event('change'))
        }
        await settle()
        performance.mark(`${what}:end`)
        const rows = document.querySelectorAll('ul[aria-label="Other devices"] > li').length
        return { ms: performance.measure(what, `${what}:start`, `${what}:end`).duration, rows }
      }, what)

    const run = async (label: string, what: Parameters<typeof measure>[0], before?: Parameters<typeof measure>[0]) => {
      const samples: number[] = []
      let rows = 0
      for (let i = 0; i < RUNS; i++) {
        if (before) await measure(before)
        const result = await measure(what)
        samples.push(result.ms)
        rows = result.rows
      }
      console.log(`  ${label.padEnd(58)} ${stats(samples)}; ${rows} rows in the DOM`)
    }

    await run('render: open the Devices tab (budget 100 ms)', 'open')
    await run('render: a new list of 10,000 arrives from main', 'arrive')
    await run('filter: type in the search field (budget 30 ms)', 'filter', 'clear')
    await run('filter: clear the search field', 'clear', 'filter')
    await measure('clear')
    await run('filter: "Inactive for 90+ days" / "All devices"', 'inactive')
  } finally {
    await browser.close()
    await server.close()
  }
}

if (!process.argv.includes('--no-build')) console.log(`Built with ${await buildRenderer()}.`)
sizes()
await timings()
