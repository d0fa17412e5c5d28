import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { SecretStoreError } from './errors'
import { KeytarSecretStore } from './keytar-store'
import { loadKeytar, openSecretStore } from './open-secret-store'
import { MemorySecretStore, secretKey, userIdOfKey, type SecretStore } from './secrets'
import { FakeKeytar } from '../../../test/accounts/fake-keytar'

const aliceKey = secretKey('@alice:example.org', 'LAPTOP')
const bobKey = secretKey('@bob:example.org', 'PHONE')
const secret = { accessToken: 'syt_alice_token', refreshToken: 'syr_alice_refresh', expiresAt: 1_900_000_000_000 }

describe('secret keys', () => {
  it('join the user id and the device id with a bar', () => {
    expect(secretKey('@alice:example.org', 'ABC')).toBe('@alice:example.org|ABC')
  })

  it('give back the user id, even when the device id has a bar in it', () => {
    expect(userIdOfKey('@alice:example.org|AB|C')).toBe('@alice:example.org')
    expect(userIdOfKey('@a|b:example.org|DEV')).toBe('@a|b:example.org')
  })
})

describe.each([
  ['the memory store', () => new MemorySecretStore()],
  ['the keytar store (over a fake keytar)', () => new KeytarSecretStore(new FakeKeytar(), { service: 'T' })],
])('%s', (_name, make: () => SecretStore) => {
  it('gives back what was set, lists its key, and forgets it once deleted', async () => {
    const store = make()
    expect(await store.get(aliceKey)).toBeNull()
    await store.set(aliceKey, secret)
    await store.set(bobKey, { accessToken: 'syt_bob' })
    expect(await store.get(aliceKey)).toEqual(secret)
    expect(await store.get(bobKey)).toEqual({ accessToken: 'syt_bob' })
    expect(await store.list()).toEqual([aliceKey, bobKey])
    expect(await store.delete(aliceKey)).toBe(true)
    expect(await store.delete(aliceKey)).toBe(false)
    expect(await store.get(aliceKey)).toBeNull()
    expect(await store.list()).toEqual([bobKey])
  })

  it('replaces a secret when it is set again (a refreshed token)', async () => {
    const store = make()
    await store.set(aliceKey, secret)
    await store.set(aliceKey, { accessToken: 'syt_new' })
    expect(await store.get(aliceKey)).toEqual({ accessToken: 'syt_new' })
  })

  it('keeps only the fields of a secret, whatever else the caller passed', async () => {
    const store = make()
    await store.set(aliceKey, { ...secret, password: 'hunter2' } as never)
    expect(await store.get(aliceKey)).toEqual(secret)
  })

  it('refuses a secret without an access token, naming the account and not the value', async () => {
    const store = make()
    const error = await store.set(aliceKey, { accessToken: '', refreshToken: 'syr_x' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SecretStoreError)
    expect(error).toMatchObject({ code: 'invalid-secret', userId: '@alice:example.org' })
    expect((error as Error).message).not.toContain('syr_x')
    expect(await store.list()).toEqual([])
  })
})

describe('the keytar store', () => {
  it('reads back only the fields of a secret, whatever else the entry holds', async () => {
    const keytar = new FakeKeytar()
    await keytar.setPassword('T', aliceKey, JSON.stringify({ ...secret, extra: 'x' }))
    expect(await new KeytarSecretStore(keytar, { service: 'T' }).get(aliceKey)).toStrictEqual(secret)
  })

  it('keeps one JSON entry per session under its service name', async () => {
    const keytar = new FakeKeytar()
    await new KeytarSecretStore(keytar).set(aliceKey, secret)
    expect(JSON.parse(keytar.entries.get('Latchkey')!.get(aliceKey)!)).toEqual(secret)
  })

  it.each([
    ['is not JSON', 'syt_leaked_token_text{'],
    ['has the wrong shape', JSON.stringify({ token: 'syt_leaked_token_text' })],
    ['is a list', JSON.stringify(['syt_leaked_token_text'])],
    ['is JSON null', 'null'],
    ['has an empty access token', JSON.stringify({ accessToken: '' })],
    ['has an empty refresh token', JSON.stringify({ accessToken: 'syt_leaked_token_text', refreshToken: '' })],
    ['has a negative expiry', JSON.stringify({ accessToken: 'syt_leaked_token_text', expiresAt: -1 })],
    ['has a fractional expiry', JSON.stringify({ accessToken: 'syt_leaked_token_text', expiresAt: 1.5 })],
    ['has an expiry in words', JSON.stringify({ accessToken: 'syt_leaked_token_text', expiresAt: 'tomorrow' })],
  ])('calls a secret that %s corrupt, naming only the account, and leaves other accounts readable', async (_what, raw) => {
    const keytar = new FakeKeytar()
    const store = new KeytarSecretStore(keytar, { service: 'T' })
    await store.set(bobKey, { accessToken: 'syt_bob' })
    await keytar.setPassword('T', aliceKey, raw)

    const error = await store.get(aliceKey).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SecretStoreError)
    expect(error).toMatchObject({ code: 'corrupt-secret', userId: '@alice:example.org' })
    expect((error as Error).message).toBe(
      'The saved session for @alice:example.org in the system keychain is damaged; sign in to @alice:example.org again.',
    )
    expect(await store.get(bobKey)).toEqual({ accessToken: 'syt_bob' })
    expect(await store.delete(aliceKey)).toBe(true)
  })

  it('turns a keychain failure into a typed error that names the account', async () => {
    const keytar = new FakeKeytar()
    keytar.failWith = new Error('The name org.freedesktop.secrets was not provided by any .service files')
    const error = await new KeytarSecretStore(keytar).get(aliceKey).catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'keychain-failed',
      message:
        'The system keychain failed for @alice:example.org (The name org.freedesktop.secrets was not provided by any .service files).',
    })
  })
})

describe('opening the secret store', () => {
  it('uses the keychain, with no notice, when keytar loads and the keychain answers', async () => {
    const { store, notice } = await openSecretStore({ loadKeytar: async () => new FakeKeytar() })
    expect(store.kind).toBe('keychain')
    expect(notice).toBeUndefined()
  })

  it('falls back to memory and says why in one sentence when keytar is not installed', async () => {
    const missing = Object.assign(new Error("Cannot find package 'keytar' imported from /app/main.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    })
    const { store, notice } = await openSecretStore({ loadKeytar: () => Promise.reject(missing) })
    expect(store.kind).toBe('memory')
    expect(notice).toBe(
      'No system keychain answered (keytar is not installed): Latchkey keeps new sessions in memory until you quit.',
    )
  })

  it('falls back to memory when keytar’s native module does not load', async () => {
    const broken = new Error('libsecret-1.so.0: cannot open shared object file: No such file or directory\nRequire stack: …')
    const { store, notice } = await openSecretStore({ loadKeytar: () => Promise.reject(broken) })
    expect(store.kind).toBe('memory')
    expect(notice).toBe(
      'No system keychain answered (keytar could not load: libsecret-1.so.0: cannot open shared object file: No such file or directory): Latchkey keeps new sessions in memory until you quit.',
    )
  })

  it('falls back to memory when no Secret Service answers (no D-Bus)', async () => {
    const keytar = new FakeKeytar()
    keytar.failWith = new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')
    const { store, notice } = await openSecretStore({ loadKeytar: async () => keytar })
    expect(store.kind).toBe('memory')
    expect(notice).toBe(
      'No system keychain answered (Cannot autolaunch D-Bus without X11 $DISPLAY): Latchkey keeps new sessions in memory until you quit.',
    )
  })

  it('falls back to memory when the keychain does not answer in time', async () => {
    const keytar = new FakeKeytar()
    keytar.getPassword = () => new Promise(() => undefined)
    const { store, notice } = await openSecretStore({ loadKeytar: async () => keytar, probeTimeoutMs: 50 })
    expect(store.kind).toBe('memory')
    expect(notice).toContain('(it did not answer within 50 ms)')
  })
})

const keytarLoads = await loadKeytar().then(
  () => true,
  () => false,
)

describe('session-only mode in a process whose D-Bus is gone', () => {
  it.runIf(process.platform === 'linux' && keytarLoads)(
    'keeps sessions in memory and says so when the session bus address leads nowhere',
    async () => {
      const script = fileURLToPath(new URL('../../../test/accounts/open-store-child.ts', import.meta.url))
      const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
      const env: NodeJS.ProcessEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/latchkey-test-bus' }
      delete env.DISPLAY
      const output = await new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', tsx, script], { env, stdio: ['ignore', 'pipe', 'pipe'] })
        let out = ''
        let err = ''
        child.stdout.on('data', (chunk: Buffer) => (out += chunk))
        child.stderr.on('data', (chunk: Buffer) => (err += chunk))
        child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))))
      })
      const { kind, notice } = JSON.parse(output) as { kind: string; notice: string | null }
      expect(kind).toBe('memory')
      expect(notice).toMatch(/^No system keychain answered \(.+\): Latchkey keeps new sessions in memory until you quit\.$/)
    },
  )
})
