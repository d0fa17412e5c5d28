import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { stringify as canonicalJson } from 'another-json'

// Real ed25519 keys and signatures for the test homeserver's /keys/query, made with Node's crypto
// the way a Matrix client makes them: a master key, a self-signing key signed by it, a
// user-signing key signed by it, and device keys signed by the device itself and (once
// "verified") by the self-signing key. Tests forge and break these on purpose.

export type Json = Record<string, unknown>

export interface SigningKey {
  /** Unpadded base64 public key. */
  publicKey: string
  privateKey: KeyObject
}

export function newSigningKey(): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const x = publicKey.export({ format: 'jwk' }).x
  if (!x) throw new Error('no public key')
  return { publicKey: Buffer.from(x, 'base64url').toString('base64').replace(/=+$/, ''), privateKey }
}

/** The object with `signatures[userId]['ed25519:<keyName>']` added, over canonical JSON without signatures/unsigned. */
export function signJson(object: Json, userId: string, keyName: string, key: SigningKey): Json {
  const { signatures, unsigned, ...signed } = object
  const signature = sign(null, Buffer.from(canonicalJson(signed), 'utf8'), key.privateKey).toString('base64').replace(/=+$/, '')
  const existing = (signatures ?? {}) as Record<string, Record<string, string>>
  const out: Json = { ...signed, signatures: { ...existing, [userId]: { ...(existing[userId] ?? {}), [`ed25519:${keyName}`]: signature } } }
  if (unsigned !== undefined) out.unsigned = unsigned
  return out
}

export function crossSigningKeyJson(userId: string, usage: 'master' | 'self_signing' | 'user_signing', key: SigningKey): Json {
  return { user_id: userId, usage: [usage], keys: { [`ed25519:${key.publicKey}`]: key.publicKey } }
}

export interface CrossSigningIdentity {
  userId: string
  master: SigningKey
  selfSigning: SigningKey
  userSigning: SigningKey
  /** The three objects as /keys/query serves them. */
  masterJson: Json
  selfSigningJson: Json
  userSigningJson: Json
}

export function newCrossSigningIdentity(userId: string): CrossSigningIdentity {
  const master = newSigningKey()
  const selfSigning = newSigningKey()
  const userSigning = newSigningKey()
  return {
    userId,
    master,
    selfSigning,
    userSigning,
    masterJson: crossSigningKeyJson(userId, 'master', master),
    selfSigningJson: signJson(crossSigningKeyJson(userId, 'self_signing', selfSigning), userId, master.publicKey, master),
    userSigningJson: signJson(crossSigningKeyJson(userId, 'user_signing', userSigning), userId, master.publicKey, master),
  }
}

export interface DeviceKeys {
  deviceKey: SigningKey
  /** The device keys object, self-signed. */
  json: Json
}

export function newDeviceKeys(userId: string, deviceId: string): DeviceKeys {
  const deviceKey = newSigningKey()
  const curve = newSigningKey().publicKey // any 32 bytes of base64 stand in for the curve25519 key
  const json: Json = {
    user_id: userId,
    device_id: deviceId,
    algorithms: ['m.olm.v1.curve25519-aes-sha2', 'm.megolm.v1.aes-sha2'],
    keys: { [`curve25519:${deviceId}`]: curve, [`ed25519:${deviceId}`]: deviceKey.publicKey },
  }
  return { deviceKey, json: signJson(json, userId, deviceId, deviceKey) }
}

/** The device keys as a verified device has them: also signed by the account's self-signing key. */
export function verifiedBy(identity: CrossSigningIdentity, deviceKeys: Json): Json {
  return signJson(deviceKeys, identity.userId, identity.selfSigning.publicKey, identity.selfSigning)
}
