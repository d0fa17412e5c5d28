/**
 * `latchkey://login?…` links opened from outside (a QR code scanned on this computer, a link in a
 * chat): they reach the window as the contract's `loginLink` event, and the renderer opens "Sign in
 * with a login token" with the code filled in. Nothing is signed in until the person clicks there:
 * a link can come from anyone, so it may only fill a form.
 *
 * A link may arrive before the window can hear it (macOS sends `open-url` before ready; Windows
 * and Linux pass it in argv at launch): the latest one waits until the page has loaded.
 */
import { isLoginLink } from './policy'

export class LoginLinkInbox {
  #pending: string | undefined
  #deliver: ((link: string) => void) | undefined

  /** Takes a link from the OS; anything that is not a login link is ignored. */
  receive(link: unknown): boolean {
    if (!isLoginLink(link)) return false
    if (this.#deliver) this.#deliver(link)
    else this.#pending = link
    return true
  }

  /** The window is gone: links wait again for the next one. */
  disconnect(): void {
    this.#deliver = undefined
  }

  /** The window is ready to hear links: hand it the one that waited, then every next one. */
  connect(deliver: (link: string) => void): void {
    this.#deliver = deliver
    const pending = this.#pending
    this.#pending = undefined
    if (pending !== undefined) deliver(pending)
  }
}
