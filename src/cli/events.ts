/**
 * The service's events as the command line takes them: it prints notices and the progress of
 * signing devices out, and nothing else. Only those two events reach its listener, and only their
 * named fields, checked by hand: the contract's zod schemas would cost every command that
 * builds the service the time zod takes to load (issue 13 §2).
 */
import type { EventCheck } from '../main/service'
import type { EventPayload } from '../shared/contract'

const LEVELS: ReadonlySet<string> = new Set(['info', 'warning', 'error'])
const OPERATIONS: ReadonlySet<string> = new Set(['signOutDevices', 'checkAll', 'signOutInactive'])

export const cliEventCheck: EventCheck = (event, payload) => {
  const p = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>
  if (event === 'notice') {
    if (typeof p.level !== 'string' || !LEVELS.has(p.level) || typeof p.message !== 'string') return null
    const notice: EventPayload<'notice'> = { level: p.level as EventPayload<'notice'>['level'], message: p.message }
    if (typeof p.detail === 'string') notice.detail = p.detail
    return notice as EventPayload<typeof event>
  }
  if (event === 'progress') {
    if (typeof p.operation !== 'string' || !OPERATIONS.has(p.operation) || typeof p.done !== 'number' || typeof p.total !== 'number') return null
    const progress: EventPayload<'progress'> = { operation: p.operation as EventPayload<'progress'>['operation'], done: p.done, total: p.total }
    return progress as EventPayload<typeof event>
  }
  return null
}
