import type { BrowserWindow } from 'electron'
import { ipcChannel, type EventName } from '../../shared/channels'

type CheckEvent = (event: EventName, payload: unknown) => unknown

/**
 * Events for the window's page. The renderer subscribes while the page loads, so an event sent
 * before 'did-finish-load' would be lost: the outbox holds events until then and sends them in
 * order. While no window is open, events are dropped (a new page reads the state afresh).
 *
 * Payloads are stripped to their schema (checkEvent), loaded only once a page has loaded: zod is
 * not on the way to the first window.
 */
export class PageOutbox {
  #window: BrowserWindow | undefined
  #held: Array<[EventName, unknown]> | undefined
  #check: CheckEvent | undefined

  /** A new page starts loading in `window`: hold events until it has loaded. */
  open(window: BrowserWindow): void {
    this.#window = window
    this.#held = []
    window.webContents.once('did-finish-load', () => {
      void import('../../shared/bind').then(({ checkEvent }) => {
        if (this.#window !== window) return
        this.#check = checkEvent as CheckEvent
        const held = this.#held ?? []
        this.#held = undefined
        for (const [event, payload] of held) this.send(event, payload)
      })
    })
    window.once('closed', () => {
      if (this.#window !== window) return
      this.#window = undefined
      this.#held = undefined
    })
  }

  send(event: EventName, payload: unknown): void {
    if (this.#held) {
      this.#held.push([event, payload])
      return
    }
    const window = this.#window
    if (!window || window.isDestroyed() || !this.#check) return
    window.webContents.send(ipcChannel(event), this.#check(event, payload))
  }
}
