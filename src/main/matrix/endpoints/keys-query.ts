import { createHash } from 'node:crypto'
import { defineEndpoint, r0AndV3, SPEC } from '../endpoint'
import { jsonObject, object, optional, recordOf } from '../validate'

/**
 * What POST /keys/query answered, as raw JSON below the per-user maps: the cross-signing module
 * checks every key and signature itself, so this reader only makes sure the maps are objects. A
 * damaged entry is that entry's problem (its device shows "could not check"), not the whole
 * answer's.
 */
export interface KeysQueryResponse {
  /** user id → device id → the device's signed keys object, as the server gave it. */
  deviceKeys: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  /** user id → the master key object. */
  masterKeys: Readonly<Record<string, unknown>>
  /** user id → the self-signing key object. */
  selfSigningKeys: Readonly<Record<string, unknown>>
  /**
   * SHA-256 (base64) of the answer's bytes: the same bytes read the same way, so a check of every
   * device can be remembered by it (cross-signing.ts) without writing the answer out again.
   */
  digest: string
}

/** One user's part of the answer. */
export interface UserKeys {
  deviceKeys: Readonly<Record<string, unknown>>
  masterKey?: unknown
  selfSigningKey?: unknown
  /** The whole answer's `digest`, when this part was taken from one: the same answer, the same part. */
  answerDigest?: string
}

const shape = object({
  device_keys: optional(recordOf(jsonObject)),
  master_keys: optional(jsonObject),
  self_signing_keys: optional(jsonObject),
})

/** Returns the current devices and identity keys for the given users. */
export const keysQuery = defineEndpoint({
  name: 'keysQuery',
  summary: 'Download device identity keys.',
  spec: `${SPEC}#post_matrixclientv3keysquery`,
  label: 'the encryption keys request',
  method: 'POST',
  history: r0AndV3('/keys/query'),
  auth: 'required',
  rateLimited: false,
  request: (p: { userIds: readonly string[]; timeoutMs?: number }) => ({
    body: {
      device_keys: Object.fromEntries(p.userIds.map((u) => [u, []])),
      ...(p.timeoutMs === undefined ? {} : { timeout: p.timeoutMs }),
    },
  }),
  response: {
    kind: 'json',
    parse: (body, raw): KeysQueryResponse => {
      const r = shape(body, '')
      return {
        deviceKeys: r.device_keys ?? {},
        masterKeys: r.master_keys ?? {},
        selfSigningKeys: r.self_signing_keys ?? {},
        digest: createHash('sha256').update(raw).digest('base64'),
      }
    },
  },
})

const own = Object.prototype.hasOwnProperty

/** One user's entries (own properties only: a key named `__proto__` is data, not a prototype). */
export function keysOfUser(r: KeysQueryResponse, userId: string): UserKeys {
  const out: UserKeys = { deviceKeys: own.call(r.deviceKeys, userId) ? (r.deviceKeys[userId] ?? {}) : {} }
  if (own.call(r.masterKeys, userId)) out.masterKey = r.masterKeys[userId]
  if (own.call(r.selfSigningKeys, userId)) out.selfSigningKey = r.selfSigningKeys[userId]
  out.answerDigest = r.digest
  return out
}
