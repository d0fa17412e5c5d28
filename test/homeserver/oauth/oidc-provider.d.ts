// The few parts of oidc-provider (which ships no types) that the test issuer uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  export interface KoaContextLike {
    path: string
    method: string
    status: number
    body: unknown
    type: string
    request: { body?: Record<string, unknown> }
    oidc: {
      params?: Record<string, unknown>
      client?: { clientId: string; clientName?: string }
      route?: string
      entities: Record<string, unknown>
    }
    set(name: string, value: string): void
  }

  export interface InteractionDetails {
    uid: string
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> }
    params: Record<string, unknown>
    session?: { accountId?: string }
    grantId?: string
    lastSubmission?: Record<string, unknown>
  }

  export interface GrantInstance {
    addOIDCScope(scope: string): void
    getOIDCScope(): string
    save(): Promise<string>
  }

  export interface Adapter {
    upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void>
    find(id: string): Promise<Record<string, unknown> | undefined>
    findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined>
    findByUid(uid: string): Promise<Record<string, unknown> | undefined>
    consume(id: string): Promise<void>
    destroy(id: string): Promise<void>
    revokeByGrantId(grantId: string): Promise<void>
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>)
    callback(): (req: IncomingMessage, res: ServerResponse) => void
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>
    use(middleware: (ctx: KoaContextLike, next: () => Promise<void>) => Promise<void>): void
    on(event: string, listener: (...args: unknown[]) => void): void
    Grant: (new (init: { accountId: string; clientId: string }) => GrantInstance) & { find(id: string): Promise<GrantInstance | undefined> }
  }

  export const interactionPolicy: {
    base(): { add(prompt: unknown, index?: number): void; get(name: string): unknown }
    Prompt: new (init: { name: string; requestable: boolean }, ...checks: unknown[]) => unknown
  }

  export default Provider
}

declare module 'oidc-provider/lib/helpers/weak_cache.js' {
  /** The provider's internal state (its resolved configuration among it). */
  export default function get(provider: unknown): unknown
}
