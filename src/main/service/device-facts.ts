/**
 * One device as the contract shows it: what the server's /devices says, what the device is
 * (client information → user agent → display name, each fact with its source), whether it is
 * verified (checked by matrix/cross-signing.ts, never taken from the server), and when Latchkey
 * first saw it.
 */
import type { ClientInformation, Device as MatrixDevice, Verification as MatrixVerification } from '../matrix'
import { identifyDevice } from '../matrix/device-identity'
import type { KnownDevice } from '../accounts'
import type { Device, Verification } from '../../shared/contract'

export interface DeviceFacts {
  clientInformation?: ReadonlyMap<string, ClientInformation>
  /** Per device; absent when the keys could not be asked for (`verificationProblem` says why). */
  verification?: ReadonlyMap<string, MatrixVerification>
  /** Why no device could be checked (the keys request failed), as a sentence. */
  verificationProblem?: string
  known?: Readonly<Record<string, KnownDevice>>
}

export function toVerification(v: MatrixVerification | undefined, problem: string | undefined): Verification | undefined {
  if (!v) return problem === undefined ? undefined : { state: 'unknown', reason: problem }
  switch (v.state) {
    case 'verified':
      return { state: 'verified', fingerprint: v.fingerprint }
    case 'no-encryption':
      return { state: 'no-encryption' }
    case 'unverified':
    case 'unknown':
      return { state: v.state, reason: v.why }
  }
}

export function describeDevice(d: MatrixDevice, currentId: string, facts: DeviceFacts): Device {
  const device: Device = { deviceId: d.deviceId, current: d.deviceId === currentId }
  if (d.displayName !== undefined) device.displayName = d.displayName
  if (d.lastSeenIp !== undefined) device.lastSeenIp = d.lastSeenIp
  if (d.lastSeenTs !== undefined) device.lastSeenTs = d.lastSeenTs
  if (d.lastSeenUserAgent !== undefined) device.userAgent = d.lastSeenUserAgent
  const identity = identifyDevice({
    clientInformation: facts.clientInformation?.get(d.deviceId),
    userAgent: d.lastSeenUserAgent,
    displayName: d.displayName,
  })
  device.type = identity.type
  if (identity.client) device.client = identity.client
  if (identity.os) device.os = identity.os
  device.sources = identity.sources
  const verification = toVerification(facts.verification?.get(d.deviceId), facts.verificationProblem)
  if (verification) device.verification = verification
  const known = facts.known && Object.hasOwn(facts.known, d.deviceId) ? facts.known[d.deviceId] : undefined
  if (known) {
    device.firstSeenAt = known.firstSeenAt
    if (known.new) device.new = true
  }
  return device
}
