import type { Adapter } from 'oidc-provider'

// oidc-provider's storage, in memory and inspectable: the test issuer finds a device's grants
// (to end them from the account page) and the owner of a revoked grant (to end its device).

interface Entry {
  payload: Record<string, unknown>
  expiresAt?: number
}

const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode'])

export class MemoryAdapterStore {
  private readonly entries = new Map<string, Entry>()
  private readonly byGrant = new Map<string, Set<string>>()
  private readonly byUserCode = new Map<string, string>()
  private readonly byUid = new Map<string, string>()
  /** grantId → whose device it is, remembered after the tokens are gone. */
  readonly grantOwners = new Map<string, { accountId: string; deviceId: string | undefined }>()

  constructor(private readonly deviceOf: (scope: unknown) => string | undefined = () => undefined) {}

  adapter(model: string): Adapter {
    const key = (id: string) => `${model}:${id}`
    const live = (k: string): Record<string, unknown> | undefined => {
      const entry = this.entries.get(k)
      if (!entry) return undefined
      if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
        this.entries.delete(k)
        return undefined
      }
      return entry.payload
    }
    return {
      upsert: async (id, payload, expiresIn) => {
        const k = key(id)
        this.entries.set(k, { payload, ...(typeof expiresIn === 'number' ? { expiresAt: Date.now() + expiresIn * 1000 } : {}) })
        const grantId = payload['grantId']
        if (GRANTABLE.has(model) && typeof grantId === 'string') {
          const members = this.byGrant.get(grantId) ?? new Set<string>()
          members.add(k)
          this.byGrant.set(grantId, members)
          if (typeof payload['accountId'] === 'string') {
            this.grantOwners.set(grantId, { accountId: payload['accountId'], deviceId: this.deviceOf(payload['scope']) })
          }
        }
        if (typeof payload['userCode'] === 'string') this.byUserCode.set(payload['userCode'], id)
        if (model === 'Session' && typeof payload['uid'] === 'string') this.byUid.set(payload['uid'], id)
      },
      find: async (id) => live(key(id)),
      findByUserCode: async (userCode) => {
        const id = this.byUserCode.get(userCode)
        return id === undefined ? undefined : live(key(id))
      },
      findByUid: async (uid) => {
        const id = this.byUid.get(uid)
        return id === undefined ? undefined : live(key(id))
      },
      consume: async (id) => {
        const entry = this.entries.get(key(id))
        if (entry) entry.payload['consumed'] = Math.floor(Date.now() / 1000)
      },
      destroy: async (id) => void this.entries.delete(key(id)),
      revokeByGrantId: (grantId) => this.revokeByGrantId(grantId),
    }
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const k of this.byGrant.get(grantId) ?? []) this.entries.delete(k)
    this.byGrant.delete(grantId)
    this.entries.delete(`Grant:${grantId}`)
  }

  /** Grant ids of the live tokens and codes whose payload matches. */
  grantsOf(match: (payload: Record<string, unknown>) => boolean): string[] {
    const grants = new Set<string>()
    for (const [k, entry] of this.entries) {
      const model = k.slice(0, k.indexOf(':'))
      if (GRANTABLE.has(model) && typeof entry.payload['grantId'] === 'string' && match(entry.payload)) grants.add(entry.payload['grantId'])
    }
    return [...grants]
  }

  payloadsOf(model: string): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = []
    for (const [k, entry] of this.entries) if (k.startsWith(`${model}:`)) out.push(entry.payload)
    return out
  }

  destroyModel(model: string, match: (payload: Record<string, unknown>) => boolean): void {
    for (const [k, entry] of this.entries) if (k.startsWith(`${model}:`) && match(entry.payload)) this.entries.delete(k)
  }
}
