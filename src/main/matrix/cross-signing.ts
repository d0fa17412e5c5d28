// Whether each device of an account is verified, checked here and never taken from a server's
// word: a device is verified when its device keys carry a valid ed25519 signature by the account's
// self-signing key, and that key carries a valid signature by the account's master key (the
// cross-signing identity the server publishes). Signatures are over Matrix canonical JSON of the
// object without `signatures` and `unsigned` (spec appendix "Signing JSON").
//
// Anything malformed or hostile — missing fields, keys filed under another id, a signature over
// other JSON, absurd sizes — is "could not check" with a reason, never "verified". Remembering the
// master key and noticing that it changed is the caller's job (a server that swaps it could make
// any device look verified); this module reports which master key it used.
//
// The ed25519 checks run on libuv's thread pool (crypto.verify with a callback): 200 devices take
// about half the time they take one after another on the main thread, which meanwhile stays free
// for the window's calls (issue 11's target: 200 devices in 20 ms). At most VERIFY_IN_FLIGHT wait
// there at once, so that file and DNS work, which share that pool, never queue behind thousands.

import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto'
import { stringify as canonicalJson } from 'another-json'
import type { UserKeys } from './endpoints/keys-query'
import { isPlainObject } from './validate'

export type Verification =
  | { state: 'verified'; /** The device's own ed25519 key (unpadded base64), covered by the signature. */ fingerprint: string }
  | { state: 'unverified'; why: string }
  | { state: 'no-encryption' }
  | { state: 'unknown'; why: string }

export interface AccountVerification {
  /** The master key (unpadded base64) the server published, when it is well-formed. */
  masterKey?: string
  /** The self-signing key, when it is well-formed and signed by the master key. */
  selfSigningKey?: string
  /** Why the published identity could not be used, when it could not; devices with keys then show "could not check". */
  identityProblem?: string
  devices: Map<string, Verification>
}

/** Real signed objects are well under a kilobyte; anything this large is not a key. */
const MAX_SIGNED_BYTES = 64 * 1024

const UNPADDED_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

const own = Object.prototype.hasOwnProperty
const get = (o: Record<string, unknown>, k: string): unknown => (own.call(o, k) ? o[k] : undefined)

function decodeBase64(text: string, bytes: number): Buffer | null {
  if (!UNPADDED_BASE64.test(text) || text.length > 2 * bytes) return null
  const buf = Buffer.from(text, 'base64')
  return buf.length === bytes ? buf : null
}

function publicKey(b64: string): KeyObject | null {
  const raw = decodeBase64(b64, 32)
  if (!raw) return null
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' })
  } catch {
    return null
  }
}

const VERIFY_IN_FLIGHT = 32
let inFlight = 0
const waiting: Array<() => void> = []

/** crypto.verify on the thread pool, within VERIFY_IN_FLIGHT; a key or signature it cannot use rejects. */
async function verifyOnPool(data: Buffer, key: KeyObject, signature: Buffer): Promise<boolean> {
  if (inFlight < VERIFY_IN_FLIGHT) inFlight++
  else await new Promise<void>((resolve) => waiting.push(resolve)) // the slot is handed over as it is
  try {
    return await new Promise<boolean>((resolve, reject) => {
      verify(null, data, key, signature, (error, valid) => (error ? reject(error) : resolve(valid)))
    })
  } finally {
    const next = waiting.shift()
    if (next) next()
    else inFlight--
  }
}

type SignatureCheck = 'valid' | 'missing' | 'invalid' | 'malformed' | 'too-large'

/** Checks `signatures[userId][keyId]` of `object` with `key`. */
async function checkSignature(object: Record<string, unknown>, userId: string, keyId: string, key: KeyObject): Promise<SignatureCheck> {
  const signatures = get(object, 'signatures')
  if (signatures === undefined) return 'missing'
  if (!isPlainObject(signatures)) return 'malformed'
  const byUser = get(signatures, userId)
  if (byUser === undefined) return 'missing'
  if (!isPlainObject(byUser)) return 'malformed'
  const signature = get(byUser, keyId)
  if (signature === undefined) return 'missing'
  if (typeof signature !== 'string') return 'malformed'
  const bytes = decodeBase64(signature, 64)
  if (!bytes) return 'malformed'
  const signed: Record<string, unknown> = {}
  for (const k of Object.keys(object)) if (k !== 'signatures' && k !== 'unsigned') signed[k] = object[k]
  let text: string
  try {
    text = canonicalJson(signed)
  } catch {
    // Nesting deep enough to exhaust the stack, or a value JSON cannot hold.
    return 'malformed'
  }
  if (text.length > MAX_SIGNED_BYTES) return 'too-large'
  const data = Buffer.from(text, 'utf8')
  // The same key, signature and bytes always verify the same way: a look every few minutes
  // re-checks only what changed. Keyed by a SHA-256 of the bytes, so a changed object misses.
  const memo = `${keyId}\n${signature}\n${createHash('sha256').update(data).digest('base64')}`
  const known = verified.get(memo)
  if (known !== undefined) return known ? 'valid' : 'invalid'
  let valid: boolean
  try {
    valid = await verifyOnPool(data, key, bytes)
  } catch {
    return 'malformed'
  }
  if (verified.size >= MEMO_SIZE) verified.clear()
  verified.set(memo, valid)
  return valid ? 'valid' : 'invalid'
}

/** Signature checks already done (key id, signature, digest of what was signed → valid). */
const verified = new Map<string, boolean>()
const MEMO_SIZE = 50_000

interface CrossSigningKey {
  b64: string
  key: KeyObject
  object: Record<string, unknown>
}

/** A cross-signing key object for `userId` with this usage, or a sentence saying what is wrong with it. */
function readCrossSigningKey(value: unknown, userId: string, usage: 'master' | 'self_signing', what: string): CrossSigningKey | string {
  if (!isPlainObject(value)) return `The server's ${what} is not a key.`
  if (get(value, 'user_id') !== userId) return `The server's ${what} belongs to someone else.`
  const usages = get(value, 'usage')
  if (!Array.isArray(usages) || !usages.includes(usage)) return `The server's ${what} is not marked for that use.`
  const keys = get(value, 'keys')
  if (!isPlainObject(keys)) return `The server's ${what} has no key in it.`
  const entries = Object.entries(keys)
  if (entries.length !== 1) return `The server's ${what} should hold exactly one key.`
  const [keyId, b64] = entries[0] as [string, unknown]
  if (typeof b64 !== 'string' || keyId !== `ed25519:${b64}`) return `The server's ${what} is filed under the wrong name.`
  const key = publicKey(b64)
  if (!key) return `The server's ${what} is not a valid ed25519 key.`
  return { b64, key, object: value }
}

const SIGNATURE_PROBLEM: Record<Exclude<SignatureCheck, 'valid' | 'missing'>, string> = {
  invalid: 'does not match what was signed: it is forged or damaged',
  malformed: 'is damaged',
  'too-large': 'covers far more data than a key holds',
}

type Identity = { kind: 'none' } | { kind: 'no-self-signing'; master: CrossSigningKey } | { kind: 'ready'; master: CrossSigningKey; ssk: CrossSigningKey } | { kind: 'broken'; why: string; master?: CrossSigningKey }

async function readIdentity(userId: string, keys: UserKeys): Promise<Identity> {
  if (keys.masterKey === undefined) return { kind: 'none' }
  const master = readCrossSigningKey(keys.masterKey, userId, 'master', 'identity key for this account')
  if (typeof master === 'string') return { kind: 'broken', why: master }
  if (keys.selfSigningKey === undefined) return { kind: 'no-self-signing', master }
  const ssk = readCrossSigningKey(keys.selfSigningKey, userId, 'self_signing', 'device-signing key for this account')
  if (typeof ssk === 'string') return { kind: 'broken', why: ssk, master }
  const signed = await checkSignature(ssk.object, userId, `ed25519:${master.b64}`, master.key)
  if (signed === 'missing') return { kind: 'broken', why: "The server's device-signing key is not signed by the account's identity key.", master }
  if (signed !== 'valid') return { kind: 'broken', why: `The identity key's signature on the device-signing key ${SIGNATURE_PROBLEM[signed]}.`, master }
  return { kind: 'ready', master, ssk }
}

async function verifyDevice(userId: string, deviceId: string, raw: unknown, identity: Identity): Promise<Verification> {
  if (raw === undefined) return { state: 'no-encryption' }
  if (!isPlainObject(raw)) return { state: 'unknown', why: "The server's answer about this session's keys is damaged." }
  if (get(raw, 'user_id') !== userId || get(raw, 'device_id') !== deviceId) {
    return { state: 'unknown', why: 'The server answered with keys that belong to another session.' }
  }
  const keys = get(raw, 'keys')
  const fingerprint = isPlainObject(keys) ? get(keys, `ed25519:${deviceId}`) : undefined
  if (typeof fingerprint !== 'string' || !decodeBase64(fingerprint, 32)) {
    return { state: 'unknown', why: "This session's keys have no valid signing key in them." }
  }
  switch (identity.kind) {
    case 'none':
      return { state: 'unverified', why: 'This account has not set up verification, so none of its sessions is verified.' }
    case 'no-self-signing':
      return { state: 'unverified', why: 'This account has no device-signing key, so none of its sessions is verified.' }
    case 'broken':
      return { state: 'unknown', why: identity.why }
    case 'ready': {
      const signed = await checkSignature(raw, userId, `ed25519:${identity.ssk.b64}`, identity.ssk.key)
      if (signed === 'valid') return { state: 'verified', fingerprint }
      if (signed === 'missing') return { state: 'unverified', why: 'No verified session has vouched for this one.' }
      return { state: 'unknown', why: `The signature on this session's keys ${SIGNATURE_PROBLEM[signed]}.` }
    }
  }
}

/**
 * Whole answers already checked, by a digest of everything the verdicts depend on: a look every
 * few minutes usually gets the same answer, and then costs one digest instead of one per device.
 */
const answered = new Map<string, AccountVerification>()
const ANSWERS_KEPT = 256

/** Checks every listed device of `userId` against that user's part of a /keys/query answer. */
export async function verifyDevices(userId: string, keys: UserKeys, deviceIds: Iterable<string>): Promise<AccountVerification> {
  const ids = [...deviceIds]
  const digest = answerDigest(userId, keys, ids)
  const known = digest === null ? undefined : answered.get(digest)
  if (known) return copyOf(known)
  const identity = await readIdentity(userId, keys)
  const deviceKeys = keys.deviceKeys as Record<string, unknown>
  const checked = await Promise.all(ids.map((deviceId) => verifyDevice(userId, deviceId, get(deviceKeys, deviceId), identity)))
  const devices = new Map<string, Verification>(ids.map((deviceId, i) => [deviceId, checked[i]!]))
  const out: AccountVerification = { devices }
  if (identity.kind !== 'none' && identity.master) out.masterKey = identity.master.b64
  if (identity.kind === 'ready') out.selfSigningKey = identity.ssk.b64
  if (identity.kind === 'broken') out.identityProblem = identity.why
  if (digest !== null) {
    if (answered.size >= ANSWERS_KEPT) answered.delete(answered.keys().next().value!)
    answered.set(digest, out)
  }
  return copyOf(out)
}

/**
 * SHA-256 of the user, the devices asked about and the keys. Keys taken from a /keys/query answer
 * carry that answer's digest (the same bytes read the same way), which is used as it is; others
 * are written out as JSON — they come parsed from JSON, so the same text means the same keys. Null
 * when they cannot be written out (nesting deep enough to exhaust the stack): such keys are
 * checked every time.
 */
function answerDigest(userId: string, keys: UserKeys, ids: readonly string[]): string | null {
  let text: string
  try {
    text = JSON.stringify(
      keys.answerDigest === undefined
        ? [userId, ids, keys.masterKey ?? null, keys.selfSigningKey ?? null, keys.deviceKeys]
        : [userId, ids, 'answer', keys.answerDigest],
    )
  } catch {
    return null
  }
  return createHash('sha256').update(text).digest('base64')
}

/** A result the caller may change without changing what is remembered. */
function copyOf(result: AccountVerification): AccountVerification {
  return { ...result, devices: new Map(result.devices) }
}
