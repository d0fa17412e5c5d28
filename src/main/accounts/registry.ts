/**
 * accounts.json: the list of accounts, their metadata and the active one. Never a token.
 *
 * Reads need no lock (a writer replaces the file with a rename, so a reader sees the old list or
 * the new one). Every write takes the inter-process lock, reads the file again under it (the app
 * or the CLI may have written since), applies the change, validates and writes atomically.
 * A file that cannot be understood is moved aside and reported, never silently replaced.
 *
 * The registry remembers the list it last read or wrote, so `watch()` can tell another process's
 * change (the command line's, the app's) from its own.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { rename, stat } from 'node:fs/promises'
import path from 'node:path'
import { deepFreeze } from './freeze'
import { removeLeftoverTemps, syncDir, writeFileAtomic } from './atomic-write'
import { describeFsError, RegistryError } from './errors'
import { acquireLock } from './lock'
import { migrate, UnreadableLayoutError } from './migrations'
import { newAccountId } from './operations'
import { accountsFilePath } from './paths'
import { emptySnapshot, type RegistrySnapshot } from './schema'
import { checkSnapshot, describeAccountProblems, describeIssues, type DroppedEntry, type RejectedAccount } from './validate'
import { startWatching, type RegistryListener, type SeenCheck, type WatchOptions } from './watch'

export interface CorruptionNotice {
  /**
   * Where the unreadable file now is: `accounts.json.corrupt-<time>` beside the original; or, when
   * only some accounts could not be read, the side file that keeps them, `accounts.json.rejected-<time>`.
   */
  movedTo: string
  /** What was wrong with it, e.g. "it is not valid JSON". */
  reason: string
  /** When only some accounts were set aside (the rest kept): who they are and what was wrong. */
  rejected?: Array<{ account: string; problem: string }>
  /** When it was moved aside (ISO 8601). */
  at: string
  /** One sentence the service can show as it is. */
  message: string
}

export interface AccountRegistryOptions {
  /** The data folder; accounts.json and its lock live inside it. */
  dir: string
  /** Called (synchronously, once per file) when an unreadable accounts.json was moved aside. */
  onCorrupt?: (info: CorruptionNotice) => void
  /** A lock untouched for this long belongs to a dead process and is taken over. Default 5000 ms (floor 2000). */
  staleLockMs?: number
  /** How long a write waits for another process's lock before failing with 'locked'. Default 10000 ms. */
  lockWaitMs?: number
  /** The clock, for tests. */
  now?: () => Date
}

export interface UpdateResult<T> {
  snapshot: RegistrySnapshot
  result: T
}

type Interpreted =
  | { kind: 'current'; snapshot: RegistrySnapshot }
  | { kind: 'migrated'; snapshot: RegistrySnapshot; from: number }
  /** Usable once what is wrong is set aside: bad accounts (and map entries) go to a side file. */
  | { kind: 'repaired'; snapshot: RegistrySnapshot; rejected: RejectedAccount[]; dropped: DroppedEntry[] }
  | { kind: 'corrupt'; reason: string }

const LOCK_NAME = 'accounts.json.lock'

// Writes by registries on the same folder in one process queue here instead of polling the file
// lock against each other.
const queues = new Map<string, Promise<void>>()
// The folders whose change is running at this moment. A change is synchronous, so a nested
// `update` from inside it is seen here without AsyncLocalStorage, whose async hooks would slow
// every promise in the process (Node 22).
const changing = new Set<string>()

/** A change to the list: synchronous, so that nothing else can run while the lock is held for it. */
export type ListChange<T> = (draft: RegistrySnapshot) => T

export class AccountRegistry {
  readonly dir: string
  readonly file: string
  private readonly options: AccountRegistryOptions
  private corruption: CorruptionNotice | null = null
  private tempsSwept = false
  // The file text (normalised) this registry last read or wrote; null before the first, or after a
  // write whose outcome is unknown. The generation lets a read that raced a write not overwrite it.
  // It is always the text of a valid, current list: the file found unchanged since — the usual
  // case, a look every few minutes — is only parsed, not migrated, validated and normalised again.
  private seen: { text: string | null; generation: number } = { text: null, generation: 0 }
  // The list parsed from `seen.text`, frozen, once someone read it: an unchanged file is then
  // answered without parsing it again (a list with thousands of known devices takes milliseconds).
  // Frozen all the way down, so that a reader that changed it would fail loudly, not change the
  // next reader's list.
  private seenList: { text: string; list: RegistrySnapshot } | null = null

  constructor(options: AccountRegistryOptions) {
    this.options = options
    this.dir = path.resolve(options.dir)
    this.file = accountsFilePath(this.dir)
  }

  /** The last time this registry moved an unreadable accounts.json aside, until cleared. */
  get lastCorruption(): CorruptionNotice | null {
    return this.corruption
  }

  clearCorruptionNotice(): void {
    this.corruption = null
  }

  /**
   * The current list. A missing file is an empty list. A corrupt file is moved aside (under the
   * lock) and the list starts empty; an older layout is migrated and written back, so the ids it
   * assigns are stable. Accounts that are not valid are written to a side file and left out, the
   * others kept (reported like a corrupt file). Throws `RegistryError` ('unreadable', 'newer-version').
   *
   * The list is frozen, and the same object is answered again while the file has not changed: a
   * change goes through `update`, which gets a list of its own.
   */
  async read(): Promise<RegistrySnapshot> {
    const since = this.seen.generation
    const text = await this.readText()
    if (text === null) {
      this.remember(toFileText(emptySnapshot()), since)
      return deepFreeze(emptySnapshot())
    }
    if (text === this.seen.text) return this.parsedSeen(text)
    const interpreted = this.interpret(text)
    if (interpreted.kind === 'current') {
      const normal = toFileText(interpreted.snapshot)
      this.remember(normal, since)
      const list = deepFreeze(interpreted.snapshot)
      if (this.seen.text === normal) this.seenList = { text: normal, list }
      return list
    }
    return deepFreeze((await this.update(() => undefined)).snapshot)
  }

  /**
   * Calls `listener` with the new list whenever another process (or another registry object)
   * changes accounts.json, a short quiet time after the change. Never for this registry's own
   * writes, nor for a list this registry has already read: "changed" means different from what
   * this registry last read or wrote, or, if it had not yet, from the file when watching began.
   * A burst of writes gives a few calls at most, the last with the final list.
   *
   * Watches the data folder (the file is replaced by a rename); a folder that does not exist yet,
   * or disappears, is looked for again every `folderPollMs`. A corrupt file is moved aside (as
   * `read()` does, and reported through `onCorrupt`) only once it has stayed the same for a quiet
   * time, so a half-saved hand edit is not taken for a corrupt file. Nothing here throws: problems
   * go to `options.onError`. Returns `unwatch`, which stops everything; it can be called twice.
   */
  watch(listener: RegistryListener, options: WatchOptions = {}): () => void {
    return startWatching(
      {
        dir: this.dir,
        fileName: path.basename(this.file),
        check: (baseline) => this.compareWithSeen(baseline),
        repair: () => this.repairForWatch(),
      },
      listener,
      options,
    )
  }

  /**
   * For watch(): the file against what this registry last saw. Runs in the folder's write queue,
   * so it never lands between this process's own read-under-lock and its write.
   */
  private compareWithSeen(baseline: boolean): Promise<SeenCheck> {
    return this.enqueue(async (): Promise<SeenCheck> => {
      const text = await this.readText()
      let snapshot: RegistrySnapshot
      if (text === null) {
        snapshot = emptySnapshot()
      } else {
        const interpreted = this.interpret(text)
        if (interpreted.kind !== 'current') return { kind: 'unsettled', text }
        snapshot = interpreted.snapshot
      }
      const normal = toFileText(snapshot)
      const before = this.seen.text
      if (normal === before) return { kind: 'same' }
      this.remember(normal)
      return baseline && before === null ? { kind: 'same' } : { kind: 'changed', snapshot }
    })
  }

  /** For watch(): a corrupt or older file, read as `read()` does; the list if it is news. */
  private async repairForWatch(): Promise<RegistrySnapshot | null> {
    const before = this.seen.text
    const snapshot = await this.read()
    return toFileText(snapshot) === before ? null : snapshot
  }

  /** `seen.text` as a list, parsed and frozen once. */
  private parsedSeen(text: string): RegistrySnapshot {
    if (this.seenList?.text !== text) this.seenList = { text, list: deepFreeze(JSON.parse(text) as RegistrySnapshot) }
    return this.seenList.list
  }

  private remember(text: string | null, since?: number): void {
    if (since !== undefined && since !== this.seen.generation) return
    this.seen = { text, generation: this.seen.generation + 1 }
  }

  /**
   * Applies `change` to a fresh draft of the list under the inter-process lock and writes the
   * result atomically. The change may mutate the draft (see operations.ts) and return a value.
   * If it throws, or leaves the list invalid, nothing is written. It is synchronous and local (a
   * change that returns a promise is refused): the other process waits while it runs, so no
   * network call belongs inside, and it must not call `update` itself.
   *
   * After the change, the list is sorted by `order`, orders are made dense (0, 1, 2, …) and an
   * active id that no longer exists falls back to the first account.
   */
  async update<T>(change: ListChange<T>): Promise<UpdateResult<T>> {
    if (changing.has(this.dir)) {
      throw new RegistryError('invalid-change', 'An account-list change tried to start another one inside itself; that would wait forever.')
    }
    return this.enqueue(() => this.locked(change))
  }

  private async locked<T>(change: ListChange<T>): Promise<UpdateResult<T>> {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    } catch (error) {
      throw new RegistryError(
        (error as NodeJS.ErrnoException).code === 'EEXIST' ? 'unreadable' : 'unwritable',
        `Latchkey cannot create its data folder ${this.dir} (${describeFsError(error)}).`,
        { cause: error },
      )
    }
    const lock = await acquireLock({
      dir: this.dir,
      lockPath: path.join(this.dir, LOCK_NAME),
      staleMs: this.options.staleLockMs ?? 5000,
      waitMs: this.options.lockWaitMs ?? 10_000,
    })
    try {
      const { snapshot: current, mustWrite, text: loadedText } = await this.loadForWrite()
      const currentText = loadedText ?? toFileText(current)
      this.remember(currentText)
      // `current` was just read for this update and nobody else holds it: the change may have it.
      const draft = current
      const result = this.run(change, draft)
      const next = finalize(draft)
      const text = toFileText(next)
      if (mustWrite || text !== currentText) {
        if (lock.lost) {
          throw new RegistryError('lock-lost', 'Latchkey lost its hold on the account list while saving it; nothing was saved. Try again.')
        }
        // Remembered before the rename, so a watcher never mistakes this write for another's.
        this.remember(text)
        try {
          await this.write(text)
        } catch (error) {
          this.remember(null)
          throw error
        }
      }
      return { snapshot: next, result }
    } finally {
      await lock.release()
    }
  }

  /** Runs a change, marked as running, so that an `update` from inside it is refused. */
  private run<T>(change: ListChange<T>, draft: RegistrySnapshot): T {
    changing.add(this.dir)
    try {
      const result: unknown = change(draft)
      if (isThenable(result)) {
        result.then(undefined, () => undefined)
        throw new RegistryError('invalid-change', 'An account-list change must finish at once; one that waits would hold the lock for as long.')
      }
      return result as T
    } finally {
      changing.delete(this.dir)
    }
  }

  /** Under the lock: the file as it is now, with corruption moved aside and old layouts migrated. */
  private async loadForWrite(): Promise<{ snapshot: RegistrySnapshot; mustWrite: boolean; /** Its normalised text, when known. */ text?: string }> {
    const text = await this.readText()
    if (text === null) return { snapshot: emptySnapshot(), mustWrite: false }
    if (text === this.seen.text) return { snapshot: JSON.parse(text) as RegistrySnapshot, mustWrite: false, text }
    const interpreted = this.interpret(text)
    switch (interpreted.kind) {
      case 'current':
        return { snapshot: interpreted.snapshot, mustWrite: false }
      case 'migrated':
        return { snapshot: interpreted.snapshot, mustWrite: true }
      case 'repaired':
        if (interpreted.rejected.length > 0 || interpreted.dropped.length > 0) {
          await this.setAside(interpreted.rejected, interpreted.dropped)
        }
        return { snapshot: interpreted.snapshot, mustWrite: true }
      case 'corrupt':
        await this.moveAside(interpreted.reason)
        return { snapshot: emptySnapshot(), mustWrite: false }
    }
  }

  private async readText(): Promise<string | null> {
    try {
      // Synchronous on purpose: the list is at most a few hundred kilobytes (thousands of known
      // devices), read in well under a millisecond, while an asynchronous read waits in libuv's
      // four-thread pool behind whatever else is queued there, such as a hundred keychain reads at
      // the command line's start (tens of milliseconds).
      return readFileSync(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw new RegistryError(
        'unreadable',
        `Latchkey cannot read its account list at ${this.file} (${describeFsError(error)}). Check that the folder is yours and readable.`,
        { cause: error },
      )
    }
  }

  private interpret(text: string): Interpreted {
    if (text.trim() === '') return { kind: 'corrupt', reason: 'it is empty' }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      // JSON.parse's message quotes the text; the reason says only what is wrong.
      return { kind: 'corrupt', reason: 'it is not valid JSON' }
    }
    let migrated: { value: unknown; from: number }
    try {
      migrated = migrate(json, { now: this.now(), newId: newAccountId })
    } catch (error) {
      if (error instanceof UnreadableLayoutError) return { kind: 'corrupt', reason: `it has ${error.message}` }
      throw error
    }
    const checked = checkSnapshot(migrated.value)
    if (!checked.ok) {
      return { kind: 'corrupt', reason: `it does not have the expected layout (${describeIssues(checked.issues)})` }
    }
    if (checked.issues.length > 0) {
      return { kind: 'repaired', snapshot: checked.snapshot, rejected: checked.rejected, dropped: checked.dropped }
    }
    return migrated.from === checked.snapshot.version
      ? { kind: 'current', snapshot: checked.snapshot }
      : { kind: 'migrated', snapshot: checked.snapshot, from: migrated.from }
  }

  /**
   * Under the lock: writes what could not be read (exactly as the file held it) to
   * `accounts.json.rejected-<time>`, so nothing is lost, and reports which accounts they were.
   */
  private async setAside(rejected: RejectedAccount[], dropped: DroppedEntry[]): Promise<void> {
    const at = this.now()
    const movedTo = await this.freeName('rejected', at)
    const keep = {
      note: 'Entries Latchkey could not read in accounts.json and left out of it. Fix them and add them back by hand if you need them.',
      setAsideAt: at.toISOString(),
      accounts: rejected.map((r) => ({ problems: r.issues.map((i) => `${i.path.join('.')}: ${i.message}`), account: r.value })),
      ...(dropped.length === 0
        ? {}
        : { otherEntries: dropped.map((d) => ({ problems: d.issues.map((i) => `${i.path.join('.')}: ${i.message}`), [d.map]: d.key, value: d.value })) }),
    }
    try {
      await writeFileAtomic(movedTo, `${JSON.stringify(keep, null, 2)}\n`)
    } catch (error) {
      throw new RegistryError(
        'unwritable',
        `Latchkey's account list at ${this.file} has entries it cannot read, and it could not keep them aside (${describeFsError(error)}); nothing was changed.`,
        { cause: error },
      )
    }
    const accounts = rejected.map((r) => ({ account: r.name, problem: describeAccountProblems(r) }))
    const name = path.basename(movedTo)
    const list = accounts.map((a) => `${a.account} (${a.problem})`).join('; ')
    const others = dropped.length === 0 ? '' : `${accounts.length > 0 ? ' and ' : ''}${dropped.length} saved server detail${dropped.length === 1 ? '' : 's'} it will fetch again`
    const what =
      accounts.length === 0
        ? others.trimStart()
        : `${accounts.length === 1 ? 'an account' : `${accounts.length} accounts`} it could not read: ${list}${others ? `;${others}` : ''}`
    const notice: CorruptionNotice = {
      movedTo,
      reason: accounts.length > 0 ? `${accounts.length} account(s) not valid` : 'saved server details not valid',
      at: at.toISOString(),
      rejected: accounts,
      message: `Latchkey set aside ${what}. ${accounts.length + dropped.length === 1 ? 'It is' : 'They are'} kept in ${name}; every other account is as before.`,
    }
    this.report(notice)
  }

  /** `accounts.json.<kind>-<time>`, or with -2, -3… when that name is taken. */
  private async freeName(kind: 'corrupt' | 'rejected', at: Date): Promise<string> {
    // ISO time without colons, which Windows does not allow in file names.
    const stamp = at.toISOString().replaceAll(':', '-')
    let name = `${this.file}.${kind}-${stamp}`
    for (let n = 2; await exists(name); n++) name = `${this.file}.${kind}-${stamp}-${n}`
    return name
  }

  private report(notice: CorruptionNotice): void {
    this.corruption = notice
    try {
      this.options.onCorrupt?.(notice)
    } catch {
      // A failing listener must not turn a recovered file into a failed write.
    }
  }

  private async moveAside(reason: string): Promise<void> {
    const at = this.now()
    const movedTo = await this.freeName('corrupt', at)
    try {
      await rename(this.file, movedTo)
      await syncDir(this.dir)
    } catch (error) {
      throw new RegistryError(
        'unwritable',
        `Latchkey's account list at ${this.file} is unreadable (${reason}) and could not be moved aside (${describeFsError(error)}).`,
        { cause: error },
      )
    }
    const notice: CorruptionNotice = {
      movedTo,
      reason,
      at: at.toISOString(),
      message: `Latchkey's account list could not be read (${reason}); it was kept as ${path.basename(movedTo)} and Latchkey started a new, empty list.`,
    }
    this.report(notice)
  }

  private async write(text: string): Promise<void> {
    try {
      if (!this.tempsSwept) {
        await removeLeftoverTemps(this.file)
        this.tempsSwept = true
      }
      await writeFileAtomic(this.file, text)
    } catch (error) {
      throw new RegistryError(
        'unwritable',
        `Latchkey cannot save its account list at ${this.file} (${describeFsError(error)}).`,
        { cause: error },
      )
    }
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const previous = queues.get(this.dir) ?? Promise.resolve()
    const run = previous.then(task)
    const tail = run.then(
      () => undefined,
      () => undefined,
    )
    queues.set(this.dir, tail)
    void tail.then(() => {
      if (queues.get(this.dir) === tail) queues.delete(this.dir)
    })
    return run
  }

  private now(): Date {
    return this.options.now?.() ?? new Date()
  }
}

/** Sorts by order, makes orders dense, repairs a dangling active id, then validates. */
function finalize(draft: RegistrySnapshot): RegistrySnapshot {
  if (Array.isArray(draft.accounts)) {
    draft.accounts.sort((a, b) => a.order - b.order)
    draft.accounts.forEach((account, index) => {
      account.order = index
    })
    if (draft.activeId !== null && !draft.accounts.some((account) => account.id === draft.activeId)) {
      draft.activeId = draft.accounts[0]?.id ?? null
    }
  }
  // The same validator as the read path, strictly: a change that leaves anything invalid is refused
  // whole (only a file read from disk gets its bad accounts set aside).
  const checked = checkSnapshot(draft)
  const issues = checked.issues
  if (!checked.ok || issues.length > 0) {
    throw new RegistryError(
      'invalid-change',
      `Latchkey refused to save an account list that is not valid (${describeIssues(issues)}); nothing was changed.`,
    )
  }
  return checked.snapshot
}

function toFileText(snapshot: RegistrySnapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file)
    return true
  } catch {
    return false
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function'
}
