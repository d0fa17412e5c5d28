import { describe, expect, it } from 'vitest'
import { endpoints } from './endpoints/index'
import { isR0Only, parseSpecVersion, selectPath, type ServerVersions } from './spec-versions'

const server = (versions: string[], unstableFeatures: Record<string, boolean> = {}): ServerVersions => ({ versions, unstableFeatures })

describe('spec versions and paths', () => {
  it('reads r0.x releases as 1.0 and v1.N as 1.N, and ignores strings it does not know', () => {
    expect(parseSpecVersion('r0.6.1')).toEqual([1, 0])
    expect(parseSpecVersion('v1.11')).toEqual([1, 11])
    expect(parseSpecVersion('v2.0')).toEqual([2, 0])
    expect(parseSpecVersion('1.1')).toBeNull()
    expect(parseSpecVersion('r0')).toBeNull()
  })

  it('gives a server that speaks only r0 releases the r0 paths', () => {
    const r0 = server(['r0.5.0', 'r0.6.1'])
    expect(isR0Only(r0)).toBe(true)
    expect(selectPath(endpoints.login.history, r0)).toBe('/_matrix/client/r0/login')
    expect(selectPath(endpoints.devices.history, r0)).toBe('/_matrix/client/r0/devices')
  })

  it('gives a server that speaks v1.1 or later the v3 paths', () => {
    const modern = server(['r0.6.1', 'v1.1', 'v1.6'])
    expect(isR0Only(modern)).toBe(false)
    expect(selectPath(endpoints.login.history, modern)).toBe('/_matrix/client/v3/login')
    expect(selectPath(endpoints.deleteDevices.history, modern)).toBe('/_matrix/client/v3/delete_devices')
  })

  it('uses the unstable login-token path on a server that advertises MSC3882 but predates v1.7', () => {
    expect(selectPath(endpoints.getLoginToken.history, server(['v1.6'], { 'org.matrix.msc3882': true }))).toBe(
      '/_matrix/client/unstable/org.matrix.msc3882/login/get_token',
    )
    expect(selectPath(endpoints.getLoginToken.history, server(['v1.7'], { 'org.matrix.msc3882': true }))).toBe('/_matrix/client/v1/login/get_token')
  })

  it('falls back to the oldest stable path when the server predates the endpoint and has no flag for it', () => {
    expect(selectPath(endpoints.refresh.history, server(['r0.6.1']))).toBe('/_matrix/client/v3/refresh')
    expect(selectPath(endpoints.thumbnail.history, server(['v1.5']))).toBe('/_matrix/client/v1/media/thumbnail/{serverName}/{mediaId}')
  })

  it('assumes the newest paths when the versions are unknown', () => {
    expect(selectPath(endpoints.whoami.history, null)).toBe('/_matrix/client/v3/account/whoami')
    expect(selectPath(endpoints.whoami.history, server([]))).toBe('/_matrix/client/v3/account/whoami')
  })
})
