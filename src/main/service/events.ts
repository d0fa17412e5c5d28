/**
 * The service's event hub. Every payload goes through the hub's check before a listener sees it,
 * so a key the check does not name (a token, by mistake) is stripped here and never reaches the
 * renderer, the CLI or a test: the contract's event schemas for the app and the tests; the
 * command line, which prints two events, passes a smaller check of its own (src/cli/events.ts),
 * so that zod is not loaded to print a notice (issue 13 §2). With no listener nothing is checked.
 * A listener that throws is reported once and cannot break the call that emitted.
 */
import type { EventName, EventPayload } from '../../shared/contract'

export type ServiceListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void

/** The payload as listeners may see it, or null when no listener is to see this event at all. */
export type EventCheck = <E extends EventName>(event: E, payload: unknown) => EventPayload<E> | null

export class EventHub {
  readonly #listeners = new Set<ServiceListener>()
  readonly #check: EventCheck
  readonly #onListenerError: (error: unknown) => void

  constructor(check: EventCheck, onListenerError: (error: unknown) => void = () => {}) {
    this.#check = check
    this.#onListenerError = onListenerError
  }

  on(listener: ServiceListener): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    if (this.#listeners.size === 0) return
    const checked = this.#check(event, payload)
    if (checked === null) return
    for (const listener of [...this.#listeners]) {
      try {
        listener(event, checked)
      } catch (error) {
        this.#onListenerError(error)
      }
    }
  }

  clear(): void {
    this.#listeners.clear()
  }
}
