import { spawn, spawnSync } from 'node:child_process'
import http from 'node:http'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { endpoints } from './endpoints/index'
import { rejection } from '../../../test/matrix/kit'
import { Transport } from './transport'

// Transport mechanics the test homeserver has no switch for: redirects, cancellation, oversized
// answers and the connect timeout. A few lines of node:http stand in for a proxy or a CDN.

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void
const servers: http.Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()) })))
})

async function serve(handler: Handler): Promise<string> {
  const server = http.createServer(handler)
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`
}

const json = (res: http.ServerResponse, body: unknown) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

describe('the transport', () => {
  it('follows a well-known redirect to another host', async () => {
    const target = await serve((_req, res) => json(res, { 'm.homeserver': { base_url: 'https://matrix.example.org' } }))
    const front = await serve((_req, res) => {
      res.writeHead(301, { location: `${target}/.well-known/matrix/client` })
      res.end()
    })
    const wk = await new Transport().send(endpoints.wellKnown, undefined, { baseUrl: front })
    expect(wk.homeserverBaseUrl).toBe('https://matrix.example.org')
  })

  it('keeps the token on a same-origin redirect and drops it on a redirect to another origin', async () => {
    const seen: Array<string | undefined> = []
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47])
    const cdn = await serve((req, res) => {
      seen.push(req.headers.authorization)
      res.writeHead(200, { 'content-type': 'image/png' })
      res.end(png)
    })
    const origin = await serve((req, res) => {
      seen.push(req.headers.authorization)
      if (req.url?.includes('/thumbnail/')) {
        res.writeHead(307, { location: req.url.includes('same') ? '/moved' : `${cdn}/media.png` })
        return res.end()
      }
      res.writeHead(307, { location: `${cdn}/media.png` })
      res.end()
    })
    const t = new Transport()
    const params = { serverName: 'hs', mediaId: 'other', width: 8, height: 8 }
    await t.send(endpoints.thumbnail, params, { baseUrl: origin, accessToken: 'syt_secret_access' })
    expect(seen).toEqual(['Bearer syt_secret_access', undefined])
    seen.length = 0
    await t.send(endpoints.thumbnail, { ...params, mediaId: 'same' }, { baseUrl: origin, accessToken: 'syt_secret_access' })
    expect(seen).toEqual(['Bearer syt_secret_access', 'Bearer syt_secret_access', undefined])
  })

  it('reports a redirect loop', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(302, { location: '/.well-known/matrix/client' })
      res.end()
    })
    const e = await rejection(new Transport().send(endpoints.wellKnown, undefined, { baseUrl: url }))
    expect(e.kind).toBe('malformed')
    expect(e.message).toBe(`${new URL(url).host} redirected the discovery file request in a loop.`)
  })

  it('stops at once when the caller cancels', async () => {
    const url = await serve(() => {})
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    const started = performance.now()
    const e = await rejection(new Transport({ timeoutMs: 10_000 }).send(endpoints.versions, undefined, { baseUrl: url, signal: controller.signal }))
    expect(e.kind).toBe('cancelled')
    expect(e.message).toBe(`The version check on ${new URL(url).host} was cancelled.`)
    expect(performance.now() - started).toBeLessThan(2_000)
  })

  it('stops reading an answer far larger than any real one', async () => {
    const url = await serve((_req, res) => json(res, { versions: Array.from({ length: 10_000 }, () => 'v1.1') }))
    const e = await rejection(new Transport({ maxBodyBytes: 1024 }).send(endpoints.versions, undefined, { baseUrl: url }))
    expect(e.kind).toBe('malformed')
    expect(e.message).toMatch(/far more data than expected/)
  })

  it('retries once on a fresh socket when a kept-alive socket dies as it is reused', async () => {
    // The race Node documents: the server closes an idle keep-alive socket just as we reuse it.
    // Here the server drops the second request on any socket without answering.
    const perSocket = new WeakMap<object, number>()
    let sockets = 0
    const url = await serve((req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1
      perSocket.set(req.socket, n)
      if (n === 1) sockets++
      if (n > 1) return void req.socket.destroy()
      json(res, { versions: ['v1.1'] })
    })
    const t = new Transport()
    await t.send(endpoints.versions, undefined, { baseUrl: url })
    expect((await t.send(endpoints.versions, undefined, { baseUrl: url })).versions).toEqual(['v1.1'])
    expect(sockets).toBe(2)
  })

  const hasPython = spawnSync('python3', ['--version']).status === 0
  it.skipIf(!hasPython)('gives up on a server that never accepts the connection after the connect timeout', async () => {
    // A socket with a full accept queue that never accepts: further SYNs go unanswered.
    const py = spawn('python3', ['-c', 'import socket,time\ns=socket.socket();s.bind(("127.0.0.1",0));s.listen(0);print(s.getsockname()[1],flush=True);time.sleep(20)'])
    try {
      const port = await new Promise<number>((r) => py.stdout.once('data', (d: Buffer) => r(Number(d.toString().trim()))))
      const fill = [net.connect(port, '127.0.0.1'), net.connect(port, '127.0.0.1'), net.connect(port, '127.0.0.1')]
      fill.forEach((s) => s.on('error', () => {}))
      await new Promise((r) => setTimeout(r, 200))
      const started = performance.now()
      const e = await rejection(new Transport({ connectTimeoutMs: 500, timeoutMs: 5_000 }).send(endpoints.versions, undefined, { baseUrl: `http://127.0.0.1:${port}` }))
      expect(e.kind).toBe('timeout')
      expect(e.message).toBe(`127.0.0.1:${port} did not accept a connection within 500 ms.`)
      expect(performance.now() - started).toBeLessThan(2_000)
      fill.forEach((s) => s.destroy())
    } finally {
      py.kill()
    }
  })
})
