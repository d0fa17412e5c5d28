/**
 * Chooses the secret store at start-up: the OS keychain when keytar loads and the keychain answers,
 * otherwise memory, with one sentence that says so. There is deliberately no file fallback: a token
 * is never written in clear.
 */
import { DEFAULT_SERVICE, firstLine, KeytarSecretStore, type KeytarLike } from './keytar-store'
import { MemorySecretStore, type SecretStore } from './secrets'
import { KEYTAR_NOT_INSTALLED, memoryOnlyNotice } from './store-notice'

export interface OpenSecretStoreOptions {
  /** The keychain service name. Default 'Latchkey'; tests use a unique one. */
  service?: string
  /** How keytar is loaded; tests inject a fake or a failing loader. */
  loadKeytar?: () => Promise<KeytarLike>
  /** How long the keychain may take to answer the probe. Default 3000 ms. */
  probeTimeoutMs?: number
}

export interface OpenedSecretStore {
  store: SecretStore
  /** Present when Latchkey fell back to memory: one sentence to show the person. */
  notice?: string
}

/** keytar is an optional dependency with a native module: it may be missing or fail to load. */
export async function loadKeytar(): Promise<KeytarLike> {
  // A computed specifier keeps bundlers from trying to inline the native module.
  const name = 'keytar'
  const module = (await import(/* @vite-ignore */ name)) as { default?: KeytarLike } & KeytarLike
  return module.default ?? module
}

export async function openSecretStore(options: OpenSecretStoreOptions = {}): Promise<OpenedSecretStore> {
  const service = options.service ?? DEFAULT_SERVICE
  const timeoutMs = options.probeTimeoutMs ?? 3000
  let keytar: KeytarLike
  try {
    keytar = await (options.loadKeytar ?? loadKeytar)()
  } catch (error) {
    return sessionOnly(describeLoadFailure(error))
  }
  try {
    // Looking up an entry that does not exist answers quickly and never asks to unlock a keyring
    // (searching existing entries could, and a person typing a password would look like a timeout).
    await withTimeout(keytar.getPassword(service, '<probe>'), timeoutMs)
  } catch (error) {
    return sessionOnly(error instanceof ProbeTimeout ? `it did not answer within ${formatSeconds(timeoutMs)}` : firstLine(error))
  }
  return { store: new KeytarSecretStore(keytar, { service }) }
}

function sessionOnly(reason: string): OpenedSecretStore {
  return {
    store: new MemorySecretStore(),
    notice: memoryOnlyNotice(reason),
  }
}

function describeLoadFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    if (firstLine(error).includes("'keytar'")) return KEYTAR_NOT_INSTALLED
  }
  return `keytar could not load: ${firstLine(error)}`
}

class ProbeTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout()), ms)
    timer.unref()
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`
}
