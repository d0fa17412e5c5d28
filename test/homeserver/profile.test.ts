import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { call, login, useHomeserver } from './fixtures'

describe('GET /profile/{userId}', () => {
  const t = useHomeserver()

  it('answers the display name and avatar, without needing a token', async () => {
    const answer = await call(t.hs, 'GET', `/_matrix/client/v3/profile/${encodeURIComponent('@carol:localhost')}`)
    expect([answer.status, answer.body]).toEqual([200, { displayname: 'Carol', avatar_url: 'mxc://localhost/carolavatar' }])
  })

  it('answers an unknown user 404 M_NOT_FOUND', async () => {
    const answer = await call(t.hs, 'GET', `/_matrix/client/v3/profile/${encodeURIComponent('@zed:localhost')}`)
    expect([answer.status, answer.body.errcode]).toEqual([404, 'M_NOT_FOUND'])
  })
})

describe('GET /v1/media/thumbnail/{serverName}/{mediaId}', () => {
  const t = useHomeserver()
  const path = '/_matrix/client/v1/media/thumbnail/localhost/carolavatar?width=48&height=48&method=crop'

  it('serves a seeded avatar as a PNG a client can decode', async () => {
    const me = await login(t.hs)
    const response = await fetch(t.hs.url + path, { headers: { Authorization: `Bearer ${me.accessToken}` } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('image/png')
    const image = readPng(Buffer.from(await response.arrayBuffer()))
    expect([image.width, image.height]).toEqual([48, 48])
    expect(image.pixelBytes).toBe(48 * (1 + 48 * 3))
  })

  it('needs an access token', async () => {
    const answer = await call(t.hs, 'GET', path)
    expect([answer.status, answer.body.errcode]).toEqual([401, 'M_MISSING_TOKEN'])
  })

  it('answers media it does not have 404 M_NOT_FOUND', async () => {
    const me = await login(t.hs)
    const answer = await call(t.hs, 'GET', '/_matrix/client/v1/media/thumbnail/localhost/nothing?width=32&height=32', { token: me.accessToken })
    expect([answer.status, answer.body.errcode]).toEqual([404, 'M_NOT_FOUND'])
  })

  it('answers a request without width and height 400 M_MISSING_PARAM', async () => {
    const me = await login(t.hs)
    const answer = await call(t.hs, 'GET', '/_matrix/client/v1/media/thumbnail/localhost/carolavatar', { token: me.accessToken })
    expect([answer.status, answer.body.errcode]).toEqual([400, 'M_MISSING_PARAM'])
  })
})

/** Just enough PNG reading to prove the bytes are an image: signature, IHDR size, inflatable IDAT. */
function readPng(bytes: Buffer): { width: number; height: number; pixelBytes: number } {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  let offset = 8
  let width = 0
  let height = 0
  const idat: Buffer[] = []
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset)
    const type = bytes.toString('ascii', offset + 4, offset + 8)
    const data = bytes.subarray(offset + 8, offset + 8 + length)
    if (type === 'IHDR') [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)]
    if (type === 'IDAT') idat.push(data)
    offset += 12 + length
  }
  return { width, height, pixelBytes: inflateSync(Buffer.concat(idat)).length }
}
