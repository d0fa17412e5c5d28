/** An in-memory stand-in for keytar, with the same calls and the same grouping by service. */
import type { KeytarLike } from '../../src/main/accounts/keytar-store'

export class FakeKeytar implements KeytarLike {
  readonly entries = new Map<string, Map<string, string>>()
  /** When set, every call rejects with this error (a keychain that stopped answering). */
  failWith: Error | null = null

  private service(name: string): Map<string, string> {
    let entries = this.entries.get(name)
    if (!entries) this.entries.set(name, (entries = new Map()))
    return entries
  }

  private check(): void {
    if (this.failWith) throw this.failWith
  }

  async getPassword(service: string, account: string): Promise<string | null> {
    this.check()
    return this.service(service).get(account) ?? null
  }

  async setPassword(service: string, account: string, password: string): Promise<void> {
    this.check()
    this.service(service).set(account, password)
  }

  async deletePassword(service: string, account: string): Promise<boolean> {
    this.check()
    return this.service(service).delete(account)
  }

  async findCredentials(service: string): Promise<Array<{ account: string; password: string }>> {
    this.check()
    return [...this.service(service)].map(([account, password]) => ({ account, password }))
  }
}
