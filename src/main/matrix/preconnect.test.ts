import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { httpRequest, preconnect } from './http'

let server: Server | undefined
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = undefined
})

async function countingServer(): Promise<{ url: string; connections: () => number }> {
  let connections = 0
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'))
  server.on('connection', () => connections++)
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections }
}

const get = (url: string) =>
  httpRequest({ url: new URL(`${url}/x`), method: 'GET', headers: {}, connectTimeoutMs: 2000, timeoutMs: 2000, maxBodyBytes: 1024, maxRedirects: 0 })

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5))
}

describe('connections opened ahead of the calls', () => {
  it('are the ones the calls then use: no new connection for them', async () => {
    const s = await countingServer()
    preconnect(s.url, 3)
    await until(() => s.connections() === 3)
    expect(s.connections()).toBe(3)
    await Promise.all([get(s.url), get(s.url), get(s.url)])
    expect(s.connections()).toBe(3)
  })

  it('are not opened again for a server with kept-alive connections enough', async () => {
    const s = await countingServer()
    await Promise.all([get(s.url), get(s.url)])
    expect(s.connections()).toBe(2)
    preconnect(s.url, 2)
    await new Promise((r) => setTimeout(r, 50))
    expect(s.connections()).toBe(2)
  })
})
