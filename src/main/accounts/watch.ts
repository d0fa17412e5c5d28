/**
 * Noticing that another process changed accounts.json: the app stays open while the command line
 * adds, removes or switches accounts. `AccountRegistry.watch()` is the way in; this file holds the
 * file-system side (fs.watch on the folder, debouncing, a folder that comes and goes) and leaves
 * "is this news?" to the registry, which knows what it last read or wrote.
 *
 * The folder is watched, not the file: every writer replaces accounts.json with a rename, and a
 * watch on the file itself would follow the old, replaced inode. Events for the temporary files,
 * the lock and the `.corrupt-*` copies are ignored by name. Nothing here may crash the process: a
 * failure is handed to `onError` and watching goes on (or falls back to looking every so often).
 */
import { watch as watchFolder, type FSWatcher } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { describeFsError, RegistryError } from './errors'
import type { RegistrySnapshot } from './schema'

/** Called with the whole new list. May be async; a rejection goes to `onError`. */
export type RegistryListener = (snapshot: RegistrySnapshot) => void | Promise<void>

export interface WatchOptions {
  /** Quiet time after the last change before the file is read. Default 100 ms. */
  debounceMs?: number
  /** The longest a steady stream of changes postpones a read. Default 1000 ms. */
  maxWaitMs?: number
  /** How often to look for a data folder that does not exist (yet, or any more). Default 1000 ms. */
  folderPollMs?: number
  /**
   * Problems met while watching: a `RegistryError` for the file or folder ('unreadable',
   * 'newer-version', 'unwritable' when a corrupt file cannot be moved aside), or whatever the
   * listener itself threw. Default: ignored, and watching goes on.
   */
  onError?: (error: unknown) => void
}

/** What the registry found when it compared the file with what it last read or wrote. */
export type SeenCheck =
  | { kind: 'same' }
  | { kind: 'changed'; snapshot: RegistrySnapshot }
  /** Corrupt, or an older layout: not read (nor moved aside) until it has stayed the same a while. */
  | { kind: 'unsettled'; text: string }

/** The registry as the watcher needs it. */
export interface WatchSource {
  dir: string
  fileName: string
  /** With `baseline`, a first look at the file sets what counts as seen without reporting it. */
  check(baseline: boolean): Promise<SeenCheck>
  /** Reads an unsettled file the way `read()` does; the list if it differs from what was seen. */
  repair(): Promise<RegistrySnapshot | null>
}

export function startWatching(source: WatchSource, listener: RegistryListener, options: WatchOptions = {}): () => void {
  const watcher = new FolderWatcher(source, listener, options)
  watcher.start()
  return () => watcher.stop()
}

class FolderWatcher {
  private readonly debounceMs: number
  private readonly maxWaitMs: number
  private readonly folderPollMs: number
  private fsWatcher: FSWatcher | null = null
  // Which folder the fs watcher follows; a folder removed and made again is another inode.
  private folderIdentity: string | null = null
  private debounceTimer: NodeJS.Timeout | null = null
  private pollTimer: NodeJS.Timeout | null = null
  private pendingSince: number | null = null
  private checking = false
  private checkAgain = false
  private baselinePending = true
  private unsettledText: string | null = null
  // The last failure to open a watch, so a folder that stays unwatchable is reported once.
  private lastOpenFailure: string | null = null
  private stopped = false

  constructor(
    private readonly source: WatchSource,
    private readonly listener: RegistryListener,
    private readonly options: WatchOptions,
  ) {
    this.debounceMs = Math.max(0, options.debounceMs ?? 100)
    this.maxWaitMs = Math.max(this.debounceMs, options.maxWaitMs ?? 1000)
    this.folderPollMs = Math.max(10, options.folderPollMs ?? 1000)
  }

  start(): void {
    void this.open().then(() => this.schedule(0))
  }

  stop(): void {
    if (this.stopped) return
    this.stopped = true
    this.closeFsWatcher()
    if (this.debounceTimer) clearTimeout(this.debounceTimer)
    if (this.pollTimer) clearTimeout(this.pollTimer)
    this.debounceTimer = null
    this.pollTimer = null
  }

  /** Starts the fs watcher on the folder, or, when that is not possible, the poll that retries. */
  private async open(): Promise<void> {
    if (this.stopped) return
    const identity = await this.currentFolder()
    if (this.stopped || this.fsWatcher) return
    if (identity === null) return this.poll()
    try {
      const fsWatcher = watchFolder(this.source.dir, { persistent: false }, (_event, name) => this.onEvent(name))
      fsWatcher.on('error', (error) => {
        if (this.fsWatcher !== fsWatcher) return
        this.report(this.watchError(error))
        this.closeFsWatcher()
        this.poll()
        this.schedule()
      })
      this.fsWatcher = fsWatcher
      this.folderIdentity = identity
      this.lastOpenFailure = null
    } catch (error) {
      // Missing between the stat and the watch, or no watch to be had (inotify's limit, say):
      // keep looking every folderPollMs, which also serves as a slow watch meanwhile.
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown'
      if (code !== 'ENOENT' && code !== this.lastOpenFailure) this.report(this.watchError(error))
      this.lastOpenFailure = code
      this.poll()
    }
  }

  private poll(): void {
    if (this.stopped || this.pollTimer) return
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null
      if (this.stopped) return
      void this.open().then(() => this.schedule())
    }, this.folderPollMs)
    this.pollTimer.unref()
  }

  private onEvent(name: string | Buffer | null): void {
    const file = name === null ? null : name.toString()
    // null: the platform did not say which entry. The folder's own name: the folder itself went.
    if (file === null || file === this.source.fileName || file === path.basename(this.source.dir)) this.schedule()
  }

  /** Debounced: a read `debounceMs` after the last event, and at least every `maxWaitMs`. */
  private schedule(delay = this.debounceMs): void {
    if (this.stopped) return
    const now = Date.now()
    this.pendingSince ??= now
    const wait = Math.min(delay, Math.max(0, this.pendingSince + this.maxWaitMs - now))
    if (this.debounceTimer) clearTimeout(this.debounceTimer)
    this.debounceTimer = setTimeout(() => void this.run(), wait)
    this.debounceTimer.unref()
  }

  private async run(): Promise<void> {
    this.debounceTimer = null
    this.pendingSince = null
    if (this.stopped) return
    if (this.checking) {
      this.checkAgain = true
      return
    }
    this.checking = true
    try {
      await this.checkOnce()
    } catch (error) {
      this.report(error)
    } finally {
      this.checking = false
      if (this.checkAgain) {
        this.checkAgain = false
        this.schedule()
      }
    }
  }

  private async checkOnce(): Promise<void> {
    await this.followFolder()
    if (this.stopped) return
    const baseline = this.baselinePending
    const result = await this.source.check(baseline)
    this.baselinePending = false
    if (this.stopped) return
    if (result.kind !== 'unsettled') {
      this.unsettledText = null
      if (result.kind === 'changed') this.deliver(result.snapshot)
      return
    }
    if (result.text !== this.unsettledText) {
      // Perhaps a writer that does not rename (an editor) is half way: look again once it is quiet.
      this.unsettledText = result.text
      this.schedule()
      return
    }
    this.unsettledText = null
    // Moving the file aside fires events for accounts.json; the check they cause finds the empty
    // list the registry now remembers, so this does not come round again.
    const snapshot = await this.source.repair()
    if (snapshot && !this.stopped) this.deliver(snapshot)
  }

  /** Re-opens the fs watcher when the folder it followed was removed, replaced or moved. */
  private async followFolder(): Promise<void> {
    if (!this.fsWatcher) return
    const identity = await this.currentFolder()
    if (identity === this.folderIdentity || this.stopped) return
    this.closeFsWatcher()
    await this.open()
  }

  /** The folder's device and inode, or null when it is not there (or not a folder). */
  private async currentFolder(): Promise<string | null> {
    try {
      const info = await stat(this.source.dir)
      return info.isDirectory() ? `${info.dev}:${info.ino}` : null
    } catch {
      return null
    }
  }

  private closeFsWatcher(): void {
    const fsWatcher = this.fsWatcher
    this.fsWatcher = null
    this.folderIdentity = null
    try {
      fsWatcher?.close()
    } catch {
      // Already closed by the platform.
    }
  }

  private deliver(snapshot: RegistrySnapshot): void {
    try {
      const outcome: unknown = this.listener(snapshot)
      if (outcome instanceof Promise) outcome.catch((error: unknown) => this.report(error))
    } catch (error) {
      this.report(error)
    }
  }

  private report(error: unknown): void {
    if (this.stopped) return
    try {
      this.options.onError?.(error)
    } catch {
      // An error handler that throws must not take the process down with it.
    }
  }

  private watchError(error: unknown): RegistryError {
    return new RegistryError(
      'unreadable',
      `Latchkey cannot watch its data folder ${this.source.dir} for changes made by another Latchkey process (${describeFsError(error)}); it will look again every ${Math.round(this.folderPollMs / 1000) || 1} s.`,
      { cause: error },
    )
  }
}
