/**
 * One "process" of the latency bench, so that cold really is cold (no kept-alive socket, no
 * versions in memory). `service`: a SessionService on LATCHKEY_HOME and the bench's keychain;
 * checkAll once with the kept versions removed from accounts.json (cold), then WARM_RUNS more
 * (warm). Around the warm rounds it prints `MARK warm-start` and `MARK warm-end`, by which the
 * bench measures the CPU time the proxy and the test homeserver spent on them. `fetch`: the reference — one bare parallel fetch per account (the check's GET /devices), on new
 * connections, then on the kept ones. `floor`: the harness's own floor — the same requests written
 * ready-made on open sockets, each answer counted by its bytes and never parsed, so that what is
 * left is the proxy, the test homeserver and the machine. Prints one JSON line of milliseconds.
 */
import { readFileSync } from 'node:fs'
import net from 'node:net'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { createSessionService } from '../../src/main/service/index'
import { warmProfile } from './warm-profile'

const WARM_RUNS = Number(process.env.WARM_RUNS ?? 12)
const mode = process.argv[2]

/** A line the bench reads as it comes, to measure its own process (the server's side) meanwhile. */
function mark(what: 'warm-start' | 'warm-end'): void {
  process.stdout.write(`MARK ${what}\n`)
}

async function time(run: () => Promise<unknown>): Promise<number> {
  const t = performance.now()
  await run()
  return performance.now() - t
}

async function serviceRuns(): Promise<void> {
  const dir = process.env.LATCHKEY_HOME!
  const file = path.join(dir, 'accounts.json')
  const json = JSON.parse(await readFile(file, 'utf8')) as { servers: Record<string, unknown> }
  json.servers = {}
  await writeFile(file, JSON.stringify(json))
  const service = await createSessionService({ dataDir: dir, keychainService: process.env.LATCHKEY_KEYCHAIN_SERVICE!, watchAccounts: false })
  const statuses = new Set<string>()
  const check = async () => {
    const snapshot = await service.checkAll(undefined)
    for (const a of snapshot.accounts) statuses.add(a.status)
  }
  const cold = await time(check)
  const warm: number[] = []
  await warmProfile.start()
  mark('warm-start')
  for (let i = 0; i < WARM_RUNS; i++) warm.push(await time(check))
  mark('warm-end')
  await warmProfile.stop('checkAll-warm')
  await service.close()
  console.log(JSON.stringify({ cold, warm, statuses: [...statuses] }))
}

async function fetchRuns(): Promise<void> {
  const targets = JSON.parse(readFileSync(0, 'utf8')) as Array<{ url: string; token: string }>
  const all = () =>
    Promise.all(
      targets.map(async ({ url, token }) => {
        // The check's one request (GET /devices: it proves the session and shows new devices).
        const res = await fetch(`${url}/_matrix/client/v3/devices`, { headers: { Authorization: `Bearer ${token}` } })
        if (res.status !== 200) throw new Error(`devices answered ${res.status}`)
        return res.json()
      }),
    )
  // fetch loads its HTTP client on first use: do that outside the timing, on another origin.
  if (process.env.WARMUP_URL) await (await fetch(process.env.WARMUP_URL)).arrayBuffer()
  const cold = await time(all)
  const warm: number[] = []
  mark('warm-start')
  for (let i = 0; i < WARM_RUNS; i++) warm.push(await time(all))
  mark('warm-end')
  console.log(JSON.stringify({ cold, warm }))
}

/** An answer is whole when its Content-Length of bytes followed the head, or its last chunk came. */
function answerComplete(text: string): boolean {
  const head = text.indexOf('\r\n\r\n')
  if (head < 0) return false
  const length = /^content-length:\s*(\d+)/im.exec(text.slice(0, head))
  return length ? text.length - head - 4 >= Number(length[1]) : text.endsWith('\r\n0\r\n\r\n')
}

async function floorRuns(): Promise<void> {
  const targets = JSON.parse(readFileSync(0, 'utf8')) as Array<{ url: string; token: string }>
  const open = await Promise.all(
    targets.map(
      ({ url, token }) =>
        new Promise<{ socket: net.Socket; request: Buffer }>((resolve, reject) => {
          const { hostname, port, host } = new URL(url)
          const socket = net.connect({ host: hostname, port: Number(port), noDelay: true }, () =>
            resolve({ socket, request: Buffer.from(`GET /_matrix/client/v3/devices HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\nAccept: application/json\r\n\r\n`) }),
          )
          socket.once('error', reject)
        }),
    ),
  )
  const all = () =>
    Promise.all(
      open.map(
        ({ socket, request }) =>
          new Promise<void>((resolve) => {
            let text = ''
            const onData = (chunk: Buffer) => {
              text += chunk.toString('latin1')
              if (!answerComplete(text)) return
              socket.off('data', onData)
              resolve()
            }
            socket.on('data', onData)
            socket.write(request)
          }),
      ),
    )
  const cold = await time(all)
  const warm: number[] = []
  mark('warm-start')
  for (let i = 0; i < WARM_RUNS; i++) warm.push(await time(all))
  mark('warm-end')
  for (const { socket } of open) socket.destroy()
  console.log(JSON.stringify({ cold, warm }))
}

if (mode === 'service') await serviceRuns()
else if (mode === 'fetch') await fetchRuns()
else if (mode === 'floor') await floorRuns()
else throw new Error(`latency-child: unknown mode ${mode}`)
