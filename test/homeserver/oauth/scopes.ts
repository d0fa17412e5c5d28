// The Matrix scope tokens (spec: "Scope"), stable and MSC2967-unstable.

export const STABLE_API = 'urn:matrix:client:api:*'
export const UNSTABLE_API = 'urn:matrix:org.matrix.msc2967.client:api:*'
const DEVICE = /^urn:matrix:(?:client|org\.matrix\.msc2967\.client):device:(.+)$/

function tokens(scope: unknown): string[] {
  return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []
}

/** The device a scope allocates, when it has exactly one device token. */
export function deviceOfScope(scope: unknown): string | undefined {
  const devices = tokens(scope).flatMap((t) => {
    const m = DEVICE.exec(t)
    return m?.[1] ? [m[1]] : []
  })
  return new Set(devices).size === 1 ? devices[0] : undefined
}

/** Whether the scope grants the Client-Server API, by the forms this server accepts. */
export function grantsApi(scope: unknown, accepted: 'both' | 'unstable'): boolean {
  const list = tokens(scope)
  return list.includes(UNSTABLE_API) || (accepted === 'both' && list.includes(STABLE_API))
}
