import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Settings, Theme } from '../../../shared/contract'
import { api } from '../api'
import { useNotices } from './notices'

/** The last theme main confirmed, so the next start paints in it before main answers. */
const THEME_KEY = 'latchkey.theme'

/** Paints the page in a theme: 'system' follows the system's light or dark. */
export function applyTheme(theme: Theme): void {
  const root = document.documentElement
  if (theme === 'system') delete root.dataset.theme
  else root.dataset.theme = theme
  try {
    localStorage.setItem(THEME_KEY, theme)
  } catch {
    // Storage refused (a private window): the theme still applies; the next start waits for main.
  }
}

/** At start-up, before main answers: the theme this window last had. */
export function applyRememberedTheme(): void {
  try {
    const theme = localStorage.getItem(THEME_KEY)
    if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme
  } catch {
    // Nothing remembered: the system's theme until main answers.
  }
}

/**
 * The person's settings, as main keeps them in settings.json: read once at start, changed one
 * setting at a time, each change saved at once.
 */
export const useSettings = defineStore('settings', () => {
  const notices = useNotices()
  const current = ref<Settings | null>(null)

  async function load(): Promise<void> {
    try {
      current.value = await api().getSettings()
      applyTheme(current.value.theme)
    } catch {
      // The defaults stand; settings are not worth a notice at start.
    }
  }

  async function change(patch: Partial<Omit<Settings, 'version'>>): Promise<void> {
    if (patch.theme) applyTheme(patch.theme)
    try {
      current.value = await notices.track('Saving the setting…', () => api().setSettings(patch))
    } catch {
      // The notice says why; what main has stands.
    }
    if (current.value) applyTheme(current.value.theme)
  }

  return { current, load, change }
})
