import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { httpRequest, preconnect } from './http'
import { connectionsFor, openSpares, takeSpare } from './spare-connections'

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

describe('spare connections (opened before the HTTP stack loads)', () => {
  it('opened by openSpares alone are the ones a later request takes', async () => {
    const s = await countingServer()
    openSpares(s.url, 2)
    await until(() => s.connections() === 2)
    expect(s.connections()).toBe(2)
    await Promise.all([get(s.url), get(s.url)])
    expect(s.connections()).toBe(2)
  })

  it('are kept per scheme: an http spare is never handed to an https request to the same host and port', async () => {
    const s = await countingServer()
    const port = Number(new URL(s.url).port)
    openSpares(s.url, 1)
    expect(takeSpare('https:', '127.0.0.1', port)).toBeUndefined()
    const spare = takeSpare('http:', '127.0.0.1', port)
    expect(spare).toBeDefined()
    spare?.destroy()
  })

  it('open nothing for a URL that is not http(s), nor for a count of 0 or less', async () => {
    const s = await countingServer()
    openSpares(s.url.replace('http:', 'ftp:'), 3)
    openSpares('not a url', 3)
    openSpares(s.url, 0)
    openSpares(s.url, -2)
    await new Promise((r) => setTimeout(r, 50))
    expect(s.connections()).toBe(0)
  })

  it('that the server closed are passed over: the request opens a new connection and is answered', async () => {
    const s = await countingServer()
    openSpares(s.url, 1)
    await until(() => s.connections() === 1)
    server!.closeAllConnections()
    await new Promise((r) => setTimeout(r, 50))
    expect((await get(s.url)).status).toBe(200)
    expect(s.connections()).toBe(2)
  })
})

describe('how many connections a check opens', () => {
  it('gives each server its accounts, at most the bound per server, and stops at the bound in all', () => {
    const counts = new Map([['https://a', 3], ['https://b', 50], ['https://c', 40], ['https://d', 0], ['https://e', 9]])
    expect(connectionsFor(counts, { perServer: 32, total: 64 })).toEqual([['https://a', 3], ['https://b', 32], ['https://c', 29]])
    expect(connectionsFor(counts, { perServer: 32, total: 1000 })).toEqual([['https://a', 3], ['https://b', 32], ['https://c', 32], ['https://e', 9]])
  })
})

