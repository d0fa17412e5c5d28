/**
 * settings.json: the person's choices that are not about one account (issue 12), beside
 * accounts.json in the data folder and written the same way (atomic replace, see atomic-write).
 *
 *   { version: 1, theme: 'system' | 'light' | 'dark',
 *     publishClientInformation: boolean (default true), newDeviceCheckMinutes: number (default 15) }
 *
 * Read with a hand-written check, like accounts.json: a field that is missing or wrong takes its
 * default and the others are kept, so one bad value never costs the rest. A file that is not JSON
 * at all is moved aside (`settings.json.corrupt-<time>`) and named in `lastCorruption`, never
 * silently replaced. Only the desktop app writes it; writes in this process go one at a time, so
 * a partial change is applied to the latest settings, never to a stale copy.
 */
import { readFile, rename } from 'node:fs/promises'
import path from 'node:path'
import { writeFileAtomic } from './atomic-write'

export const SETTINGS_FILE = 'settings.json'

export type Theme = 'system' | 'light' | 'dark'

export interface Settings {
  version: 1
  theme: Theme
  /** Issue 11 §3: tell the server which app this device is (read by the insights work). */
  publishClientInformation: boolean
  /** Issue 11 §6: how often to look for devices that appeared (read by the insights work). */
  newDeviceCheckMinutes: number
}

/** A partial change; a key given as undefined is left as it is. */
export type SettingsPatch = { [K in Exclude<keyof Settings, 'version'>]?: Settings[K] | undefined }

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  version: 1,
  theme: 'system',
  publishClientInformation: true,
  newDeviceCheckMinutes: 15,
})

export const NEW_DEVICE_CHECK_LIMITS = { min: 1, max: 24 * 60 } as const

const THEMES: readonly Theme[] = ['system', 'light', 'dark']

/** Keeps what is valid in `raw`, defaults the rest. */
export function validateSettings(raw: unknown): Settings {
  const out: Settings = { ...DEFAULT_SETTINGS }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out
  const r = raw as Record<string, unknown>
  if (typeof r.theme === 'string' && (THEMES as readonly string[]).includes(r.theme)) out.theme = r.theme as Theme
  if (typeof r.publishClientInformation === 'boolean') out.publishClientInformation = r.publishClientInformation
  const minutes = r.newDeviceCheckMinutes
  if (
    typeof minutes === 'number' &&
    Number.isInteger(minutes) &&
    minutes >= NEW_DEVICE_CHECK_LIMITS.min &&
    minutes <= NEW_DEVICE_CHECK_LIMITS.max
  ) {
    out.newDeviceCheckMinutes = minutes
  }
  return out
}

export class SettingsFile {
  readonly file: string
  /** Where an unreadable settings.json was moved, the last time that happened. */
  lastCorruption: string | undefined
  private queue: Promise<unknown> = Promise.resolve()

  constructor(dir: string) {
    this.file = path.join(dir, SETTINGS_FILE)
  }

  /** The settings as the file has them now; defaults when there is no file yet. */
  async read(): Promise<Settings> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...DEFAULT_SETTINGS }
      throw error
    }
    try {
      return validateSettings(JSON.parse(text))
    } catch {
      const aside = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`
      await rename(this.file, aside).catch(() => undefined)
      this.lastCorruption = aside
      return { ...DEFAULT_SETTINGS }
    }
  }

  /** Applies a partial change to the latest settings and writes them; answers the result. */
  update(patch: SettingsPatch): Promise<Settings> {
    const run = this.queue.then(async () => {
      const given = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined))
      const next = validateSettings({ ...(await this.read()), ...given })
      await writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`)
      return next
    })
    this.queue = run.catch(() => undefined)
    return run
  }
}
