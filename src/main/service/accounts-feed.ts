/**
 * accountsChanged as the renderer needs it: after each of this service's own changes, and once for
 * each list another process (the command line, a second app) wrote to the shared accounts.json.
 *
 * Another process's change reaches this service two ways. Usually the registry's watch() reports
 * it a moment after the write. But the registry tells watch() only what it has not read itself, so
 * when one of the service's own reads (listDevices looking up the account, say) gets there first,
 * that read is what must report it. Both go through here, compared with the list listeners were
 * last told, so each new list is emitted once.
 */
import type { AccountsSnapshot } from '../../shared/contract'

export class AccountsFeed {
  // The list listeners were last told (or the first one read), as JSON: toSnapshot copies fields in
  // a fixed order, so equal lists give equal text.
  #told: string | undefined
  // Counts what was told, so a read that overlapped a newer report does not repeat an older list.
  #generation = 0
  // Each list's JSON, made once: a list read unchanged is the same frozen object (see snapshotOf).
  readonly #texts = new WeakMap<AccountsSnapshot, string>()

  constructor(private readonly emit: (snapshot: AccountsSnapshot) => void) {}

  /** For `read`: take it before the registry is read. */
  get generation(): number {
    return this.#generation
  }

  /** This service changed the list: always told, even when the change made no difference. */
  changed(snapshot: AccountsSnapshot): void {
    this.#tell(snapshot)
  }

  /** Another process's list, as the watch reported it: told unless it is what listeners have. */
  external(snapshot: AccountsSnapshot): void {
    if (this.#text(snapshot) !== this.#told) this.#tell(snapshot)
  }

  /**
   * A list this service read, begun at `since` (the generation then). The first read only sets
   * what listeners are taken to have (the caller asked for the list, or will); after that, a list
   * nobody was told of is another process's change.
   */
  read(snapshot: AccountsSnapshot, since: number): void {
    if (since !== this.#generation) return
    const text = this.#text(snapshot)
    if (this.#told === undefined) this.#told = text
    else if (text !== this.#told) this.#tell(snapshot, text)
  }

  #text(snapshot: AccountsSnapshot): string {
    let text = this.#texts.get(snapshot)
    if (text === undefined) {
      text = JSON.stringify(snapshot)
      if (Object.isFrozen(snapshot)) this.#texts.set(snapshot, text)
    }
    return text
  }

  #tell(snapshot: AccountsSnapshot, text = this.#text(snapshot)): void {
    this.#told = text
    this.#generation++
    this.emit(snapshot)
  }
}
