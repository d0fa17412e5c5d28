import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api } from '../api'
import { detailOf, hasCode, sentence } from '../lib/errors'

export type NoticeLevel = 'progress' | 'info' | 'warning' | 'error'

export interface NoticeAction {
  label: string
  run: () => unknown
}

export interface Notice {
  id: number
  level: NoticeLevel
  message: string
  /** The protocol's own words (paths, status codes), shown behind "Details". */
  detail?: string
  /** The account it is about: shown only while that account is the one on screen. */
  accountId?: string
  /** Something the person has to do: the notice stays until they do it or dismiss it. */
  action?: NoticeAction
  /** For progress with a known size, e.g. devices signed out so far. */
  done?: number
  total?: number
}

export interface TrackOptions {
  /** The caller shows the error next to a field itself; the notice area stays quiet. */
  quiet?: boolean
  /** The account the call is about, so its error goes when the person switches away. */
  accountId?: string
}

/** How long a notice stays before it goes by itself (a notice with an action stays). */
export const LIFETIME_MS: Record<Exclude<NoticeLevel, 'progress'>, number> = {
  info: 6_000,
  warning: 12_000,
  error: 15_000,
}
/** Messages kept on screen at once; older ones give way (progress is never dropped). */
const MAX_MESSAGES = 4

/**
 * Everything the window is doing and everything that went wrong, as sentences. `track` wraps a
 * call so that it shows progress while it runs and its error (if any) when it fails.
 *
 * A notice about an account belongs to it: it goes when the person switches to another account
 * or when that account recovers. Notices time out unless they carry an action, and the clock
 * stops while the pointer or the keyboard is on them (`pause`/`resume`), so nothing disappears
 * while it is being read.
 */
export const useNotices = defineStore('notices', () => {
  const items = ref<Notice[]>([])
  let nextId = 1
  const timers = new Map<number, { left: number; started: number; handle?: ReturnType<typeof setTimeout> }>()
  let paused = false
  /**
   * What the person can do about a failure, when there is something (set by the accounts store:
   * "Sign in again" for an ended session). Such a notice stays until it is done or dismissed.
   */
  let remedy: ((error: unknown, accountId: string | undefined) => NoticeAction | undefined) | undefined
  function setRemedy(find: typeof remedy): void {
    remedy = find
  }

  function startTimer(id: number): void {
    const timer = timers.get(id)
    if (!timer || paused) return
    timer.started = Date.now()
    timer.handle = setTimeout(() => dismiss(id), timer.left)
  }

  function push(level: NoticeLevel, message: string, extra: Partial<Omit<Notice, 'id' | 'level' | 'message'>> = {}): number {
    const id = nextId++
    // The same sentence again (a second failed refresh) replaces the first rather than stacking.
    const same = (n: Notice) => n.level === level && n.message === message
    let kept = items.value.filter((n) => level === 'progress' || !same(n))
    for (const n of items.value) if (!kept.includes(n)) forgetTimer(n.id)
    if (level !== 'progress') {
      const messages = kept.filter((n) => n.level !== 'progress')
      const drop = new Set(messages.slice(0, Math.max(0, messages.length - MAX_MESSAGES + 1)).map((n) => n.id))
      for (const gone of drop) forgetTimer(gone)
      kept = kept.filter((n) => !drop.has(n.id))
    }
    const notice: Notice = { id, level, message }
    for (const [key, value] of Object.entries(extra)) if (value !== undefined) (notice as unknown as Record<string, unknown>)[key] = value
    items.value = [...kept, notice]
    if (level !== 'progress' && !notice.action) {
      timers.set(id, { left: LIFETIME_MS[level], started: Date.now() })
      startTimer(id)
    }
    return id
  }

  function forgetTimer(id: number): void {
    const timer = timers.get(id)
    if (timer?.handle) clearTimeout(timer.handle)
    timers.delete(id)
  }

  function update(id: number, change: Partial<Omit<Notice, 'id'>>): void {
    items.value = items.value.map((n) => (n.id === id ? { ...n, ...change } : n))
  }

  function dismiss(id: number): void {
    forgetTimer(id)
    items.value = items.value.filter((n) => n.id !== id)
  }

  /** The account's messages go (it was switched away from, or it recovered). Progress stays. */
  function clearAccount(accountId: string): void {
    for (const n of items.value) if (n.accountId === accountId && n.level !== 'progress') forgetTimer(n.id)
    items.value = items.value.filter((n) => n.accountId !== accountId || n.level === 'progress')
  }

  /** The pointer or the focus is on the notices: their clocks stop. */
  function pause(): void {
    if (paused) return
    paused = true
    const now = Date.now()
    for (const timer of timers.values()) {
      if (timer.handle) clearTimeout(timer.handle)
      timer.handle = undefined
      timer.left = Math.max(1_000, timer.left - (now - timer.started))
    }
  }

  function resume(): void {
    if (!paused) return
    paused = false
    for (const id of timers.keys()) startTimer(id)
  }

  async function track<T>(message: string, work: () => Promise<T>, options: TrackOptions = {}): Promise<T> {
    const where = options.accountId ? { accountId: options.accountId } : {}
    const id = push('progress', message, where)
    try {
      return await work()
    } catch (error) {
      // Cancelling is the person's own choice: nothing to report.
      if (!options.quiet && !hasCode(error, 'cancelled')) {
        push('error', sentence(error), { ...where, detail: detailOf(error), action: remedy?.(error, options.accountId) })
      }
      throw error
    } finally {
      dismiss(id)
    }
  }

  api().on('notice', ({ level, message, detail, accountId }) => {
    push(level, message, { detail, accountId })
  })

  return { items, push, update, dismiss, clearAccount, pause, resume, track, setRemedy }
})
