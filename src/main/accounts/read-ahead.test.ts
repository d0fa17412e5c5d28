import { describe, expect, it } from 'vitest'
import { ReadAheadSecretStore } from './read-ahead'
import { MemorySecretStore, type StoredSecret } from './secrets'

/** A memory store that counts its reads and can be made to fail them. */
class CountingStore extends MemorySecretStore {
  reads = 0
  failReads: Error | null = null
  override async get(key: string): Promise<StoredSecret | null> {
    this.reads++
    if (this.failReads) throw this.failReads
    return super.get(key)
  }
}

describe('a secret store that reads ahead', () => {
  it('answers a secret read ahead without asking the store again, and only once', async () => {
    const inner = new CountingStore()
    await inner.set('a', { accessToken: 'syt_a' })
    const store = new ReadAheadSecretStore(inner)
    store.readAhead(['a', 'missing', 'a'])
    expect(inner.reads).toBe(2)
    expect(await store.get('a')).toEqual({ accessToken: 'syt_a' })
    expect(await store.get('missing')).toBeNull()
    expect(inner.reads).toBe(2)
    // Used once: the next read asks the store.
    expect(await store.get('a')).toEqual({ accessToken: 'syt_a' })
    expect(inner.reads).toBe(3)
  })

  it('never answers a read ahead older than a secret set or deleted since', async () => {
    const inner = new CountingStore()
    await inner.set('a', { accessToken: 'syt_old' })
    await inner.set('b', { accessToken: 'syt_b' })
    const store = new ReadAheadSecretStore(inner)
    store.readAhead(['a', 'b'])
    await store.set('a', { accessToken: 'syt_new' })
    expect(await store.delete('b')).toBe(true)
    expect(await store.get('a')).toEqual({ accessToken: 'syt_new' })
    expect(await store.get('b')).toBeNull()
  })

  it('gives a failed read ahead to whoever asks, and no unhandled rejection to anyone else', async () => {
    const inner = new CountingStore()
    inner.failReads = new Error('the keychain did not answer')
    const store = new ReadAheadSecretStore(inner)
    store.readAhead(['a', 'never-asked'])
    await new Promise((resolve) => setTimeout(resolve, 5))
    await expect(store.get('a')).rejects.toThrow('the keychain did not answer')
  })

  it('is the kind of store it wraps, and lists what it lists', async () => {
    const inner = new MemorySecretStore()
    await inner.set('k', { accessToken: 'syt_k' })
    const store = new ReadAheadSecretStore(inner)
    expect(store.kind).toBe('memory')
    expect(await store.list()).toEqual(['k'])
  })
})
