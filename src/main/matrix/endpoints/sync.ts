import { defineEndpoint, r0AndV3, SPEC } from '../endpoint'
import { jsonObject, lenientArrayOf, nonEmptyString, object, optional, string } from '../validate'

export interface AccountDataEvent {
  type: string
  content: Record<string, unknown>
}

export interface SyncResponse {
  nextBatch: string
  /** Global account data events; entries that are not `{type, content}` objects are skipped. */
  accountData: AccountDataEvent[]
}

export interface SyncParams {
  /** A filter as JSON text (inline filters need no upload: one request, not two). */
  filter: string
  /** 0: answer at once, never long-poll. */
  timeoutMs: number
  /** 'offline' keeps a look at account data from marking the person online. */
  setPresence?: 'offline' | 'online' | 'unavailable'
  since?: string
}

const event = object({ type: string, content: jsonObject })

/**
 * Synchronise the client's state and receive new messages. Latchkey asks only for a filtered
 * slice (see ../client-information.ts) and never long-polls.
 */
export const sync = defineEndpoint({
  name: 'sync',
  summary: "Synchronise the client's state and receive new messages.",
  spec: `${SPEC}#get_matrixclientv3sync`,
  label: 'the account data request',
  method: 'GET',
  history: r0AndV3('/sync'),
  auth: 'required',
  rateLimited: false,
  request: (p: SyncParams) => ({
    query: { filter: p.filter, timeout: p.timeoutMs, set_presence: p.setPresence, since: p.since },
  }),
  response: {
    kind: 'json',
    parse: (body): SyncResponse => {
      const r = object({ next_batch: nonEmptyString, account_data: optional(object({ events: optional(lenientArrayOf(event)) })) })(body, '')
      return { nextBatch: r.next_batch, accountData: r.account_data?.events ?? [] }
    },
  },
})
