/**
 * Turns the contract plus a service object into handlers: one function per call that validates
 * its argument, calls the service, parses the result through its schema, and answers an Envelope.
 * The Electron main process registers these with ipcMain.handle; the e2e harness and the tests
 * call them directly. So every path into the service goes through the same checks.
 */
import type { z } from 'zod'
import { CALL_NAMES, isCallName, type CallName, type EventName } from './channels'
import { calls, events, type EventPayload, type ServiceApi } from './contract'
import { ContractError, type ContractErrorData, type Envelope } from './errors'

export interface Binding {
  /** Answers any call, even one with an unknown name or a hostile argument. Never rejects. */
  call(name: unknown, args: unknown): Promise<Envelope<unknown>>
}

export interface BindOptions {
  /** Where unexpected errors go (with their stack) — never to the caller. */
  onInternalError?: (error: unknown, call: CallName) => void
}

export function bindContract(service: ServiceApi, options: BindOptions = {}): Binding {
  const handlers = new Map<CallName, (args: unknown) => Promise<Envelope<unknown>>>()
  for (const name of CALL_NAMES) {
    const { args: argsSchema, result: resultSchema } = calls[name]
    const method = service[name] as (args: unknown) => Promise<unknown>
    handlers.set(name, async (rawArgs) => {
      const parsed = argsSchema.safeParse(rawArgs)
      if (!parsed.success) return failure(invalidArgument(name, parsed.error))
      try {
        const value = await method.call(service, parsed.data)
        const checked = resultSchema.safeParse(value)
        if (!checked.success) {
          options.onInternalError?.(checked.error, name)
          return failure({ code: 'internal', message: INTERNAL_MESSAGE })
        }
        return { ok: true, value: checked.data }
      } catch (error) {
        if (error instanceof ContractError) return failure(error.toData())
        options.onInternalError?.(error, name)
        return failure({ code: 'internal', message: INTERNAL_MESSAGE })
      }
    })
  }
  return {
    async call(name, args) {
      if (!isCallName(name)) {
        return failure({ code: 'forbidden', message: 'Latchkey has no such call.' })
      }
      return handlers.get(name)!(args)
    },
  }
}

/** Checks an event payload against its schema and strips what the schema does not name. */
export function checkEvent<E extends EventName>(event: E, payload: unknown): EventPayload<E> {
  return events[event].parse(payload) as EventPayload<E>
}

const INTERNAL_MESSAGE =
  'Something went wrong inside Latchkey. Nothing was changed; please try again, and report it if it keeps happening.'

function failure(error: ContractErrorData): Envelope<never> {
  return { ok: false, error }
}

function invalidArgument(name: CallName, error: z.ZodError): ContractErrorData {
  const first = error.issues[0]
  const where = first && first.path.length > 0 ? ` (${first.path.join('.')})` : ''
  return {
    code: 'invalid-argument',
    message: `Latchkey refused a malformed ${name} request${where}: ${first?.message ?? 'invalid'}.`,
  }
}
