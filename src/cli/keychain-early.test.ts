/**
 * `check`'s entry sends the keychain's first call before the program loads (`openKeychainEarly`),
 * and the service takes that opening over instead of opening the keychain a second time, but only
 * for the same keychain service; under the memory switch nothing is opened at all.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeKeytar } from '../../test/accounts/fake-keytar'
import type * as OpenSecretStore from '../main/accounts/open-secret-store'
import type { CliIo } from './command-kit'

/** A keychain that counts how often Latchkey loaded it and probed it, by service. */
class CountingKeytar extends FakeKeytar {
  readonly probes: string[] = []
  override async getPassword(service: string, account: string): Promise<string | null> {
    if (account === '<probe>') this.probes.push(service)
    return super.getPassword(service, account)
  }
}

const keychain = vi.hoisted(() => ({ loads: 0, instance: undefined as unknown }))

vi.mock('../main/accounts/open-secret-store', async (importOriginal) => {
  const real = await importOriginal<typeof OpenSecretStore>()
  return {
    ...real,
    loadKeytar: async () => {
      keychain.loads++
      return keychain.instance
    },
  }
})

let home: string
let keytar: CountingKeytar

beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'latchkey-keychain-early-'))
  keytar = new CountingKeytar()
  keychain.instance = keytar
  keychain.loads = 0
  vi.resetModules()
})
afterEach(async () => {
  await rm(home, { recursive: true, force: true })
})

function io(env: NodeJS.ProcessEnv): CliIo {
  return { stdin: new PassThrough() as unknown as CliIo['stdin'], stdout: new PassThrough(), stderr: new PassThrough(), env: { LATCHKEY_HOME: home, ...env } }
}

describe('the keychain opened early for check', () => {
  it('is taken over by the service: keytar loaded and probed once', async () => {
    const { openKeychainEarly, createCliService } = await import('./service')
    const env = { LATCHKEY_HOME: home, LATCHKEY_KEYCHAIN_SERVICE: 'latchkey-early-a' }
    await openKeychainEarly(env)
    expect(keychain.loads).toBe(1)
    const service = await createCliService(io(env))
    await service.close()
    expect(keychain.loads).toBe(1)
    expect(keytar.probes).toEqual(['latchkey-early-a'])
  })

  it('is not taken for another keychain service: that one is opened and probed itself', async () => {
    const { openKeychainEarly, createCliService } = await import('./service')
    await openKeychainEarly({ LATCHKEY_HOME: home, LATCHKEY_KEYCHAIN_SERVICE: 'latchkey-early-a' })
    const service = await createCliService(io({ LATCHKEY_KEYCHAIN_SERVICE: 'latchkey-early-b' }))
    await service.close()
    expect(keychain.loads).toBe(2)
    expect(keytar.probes).toEqual(['latchkey-early-a', 'latchkey-early-b'])
  })

  it('opens nothing under the memory switch, nor under a bad value of it, which the command then refuses', async () => {
    const { openKeychainEarly, createCliService } = await import('./service')
    await openKeychainEarly({ LATCHKEY_HOME: home, LATCHKEY_SECRET_STORE: 'memory' })
    await openKeychainEarly({ LATCHKEY_HOME: home, LATCHKEY_SECRET_STORE: 'disk' })
    expect(keychain.loads).toBe(0)
    const service = await createCliService(io({ LATCHKEY_SECRET_STORE: 'memory' }))
    await service.close()
    expect(keychain.loads).toBe(0)
    expect(keytar.probes).toEqual([])
    await expect(createCliService(io({ LATCHKEY_SECRET_STORE: 'disk' }))).rejects.toThrow(/accepts only "memory"/)
  })
})
