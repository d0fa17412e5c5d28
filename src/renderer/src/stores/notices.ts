import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api } from '../api'
import { hasCode, sentence } from '../lib/errors'

export type NoticeLevel = 'progress' | 'info' | 'warning' | 'error'

export interface Notice {
  id: number
  level: NoticeLevel
  message: string
  /** For progress with a known size, e.g. devices signed out so far. */
  done?: number
  total?: number
}

export interface TrackOptions {
  /** The caller shows the error next to a field itself; the notice area stays quiet. */
  quiet?: boolean
}

const INFO_LIFETIME_MS = 6_000
/** Messages kept on screen at once; older ones give way (progress is never dropped). */
const MAX_MESSAGES = 4

/**
 * Everything the window is doing and everything that went wrong, as sentences. `track` wraps a
 * call so that it shows progress while it runs and its error (if any) when it fails.
 */
export const useNotices = defineStore('notices', () => {
  const items = ref<Notice[]>([])
  let nextId = 1

  function push(level: NoticeLevel, message: string, extra: Partial<Notice> = {}): number {
    const id = nextId++
    // The same sentence again (a second failed refresh) replaces the first rather than stacking.
    let kept = items.value.filter((n) => level === 'progress' || n.level !== level || n.message !== message)
    if (level !== 'progress') {
      const messages = kept.filter((n) => n.level !== 'progress')
      const drop = new Set(messages.slice(0, Math.max(0, messages.length - MAX_MESSAGES + 1)).map((n) => n.id))
      kept = kept.filter((n) => !drop.has(n.id))
    }
    items.value = [...kept, { id, level, message, ...extra }]
    if (level === 'info') setTimeout(() => dismiss(id), INFO_LIFETIME_MS)
    return id
  }

  function update(id: number, change: Partial<Omit<Notice, 'id'>>): void {
    items.value = items.value.map((n) => (n.id === id ? { ...n, ...change } : n))
  }

  function dismiss(id: number): void {
    items.value = items.value.filter((n) => n.id !== id)
  }

  async function track<T>(message: string, work: () => Promise<T>, options: TrackOptions = {}): Promise<T> {
    const id = push('progress', message)
    try {
      return await work()
    } catch (error) {
      // Cancelling is the person's own choice: nothing to report.
      if (!options.quiet && !hasCode(error, 'cancelled')) push('error', sentence(error))
      throw error
    } finally {
      dismiss(id)
    }
  }

  api().on('notice', ({ level, message }) => {
    push(level, message)
  })

  return { items, push, update, dismiss, track }
})
