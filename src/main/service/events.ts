/**
 * The service's event hub. Every payload goes through the contract's event schema before a
 * listener sees it, so a key the schema does not name (a token, by mistake) is stripped here and
 * never reaches the renderer, the CLI or a test. A listener that throws is reported once and
 * cannot break the call that emitted.
 */
import { checkEvent } from '../../shared/bind'
import type { EventName, EventPayload } from '../../shared/contract'

export type ServiceListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void

export class EventHub {
  readonly #listeners = new Set<ServiceListener>()
  readonly #onListenerError: (error: unknown) => void

  constructor(onListenerError: (error: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError
  }

  on(listener: ServiceListener): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = checkEvent(event, payload)
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
