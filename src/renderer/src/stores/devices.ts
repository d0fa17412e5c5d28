import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { Account, Device } from '../../../shared/contract'
import { api } from '../api'
import { hostOfUrl } from '../lib/host'
import { useNotices } from './notices'
import { usePrompts } from './prompts'
import { withUia } from './uia'

export interface SignOutProgress {
  operationId: string
  accountId: string
  done: number
  total: number
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`

/**
 * Device lists by account, as main reports them. Lists are replaced, never mutated in place, and
 * kept shallow: 10,000 devices must not become 10,000 reactive proxies.
 */
export const useDevices = defineStore('devices', () => {
  const notices = useNotices()
  const prompts = usePrompts()

  const byAccount = shallowRef<Record<string, Device[]>>({})
  const loading = ref<Record<string, boolean>>({})
  /** When each list was last fetched, and whether the last try since failed: a list can be stale. */
  const fetchedAt = ref<Record<string, number>>({})
  const refreshFailed = ref<Record<string, boolean>>({})
  const progress = shallowRef<SignOutProgress | null>(null)
  /**
   * Sign-outs this window started and that have not answered yet. A progress event belongs to one
   * of them or is ignored: an event can arrive after its call's answer (they travel apart), and a
   * late "3 of 3" must not re-open a progress bar that already closed.
   */
  const running = new Set<string>()
  let operations = 0

  function set(accountId: string, devices: Device[]): void {
    byAccount.value = { ...byAccount.value, [accountId]: devices }
  }

  function of(accountId: string): Device[] | undefined {
    return byAccount.value[accountId]
  }

  async function load(accountId: string): Promise<void> {
    loading.value = { ...loading.value, [accountId]: true }
    try {
      set(accountId, await notices.track('Loading devices…', () => api().listDevices({ accountId }), { accountId }))
      fetchedAt.value = { ...fetchedAt.value, [accountId]: Date.now() }
      refreshFailed.value = { ...refreshFailed.value, [accountId]: false }
    } catch (error) {
      refreshFailed.value = { ...refreshFailed.value, [accountId]: true }
      throw error
    } finally {
      loading.value = { ...loading.value, [accountId]: false }
    }
  }

  async function rename(accountId: string, deviceId: string, displayName: string): Promise<Device> {
    const device = await notices.track(
      `Renaming ${deviceId}…`,
      () => api().renameDevice({ accountId, deviceId, displayName }),
      { quiet: true, accountId },
    )
    const list = byAccount.value[accountId]
    if (list) set(accountId, list.map((d) => (d.deviceId === deviceId ? device : d)))
    return device
  }

  /**
   * Signs several devices out: a confirmation that says how many and what ends, then one
   * authentication for the whole batch, then progress as main reports it.
   */
  async function signOut(account: Account, deviceIds: string[]): Promise<string[]> {
    const accountId = account.id
    const what = plural(deviceIds.length, 'device')
    if (account.signOutInBrowser) return signOutInBrowser(account, deviceIds)
    const ok = await prompts.confirm({
      title: `Sign out ${what}?`,
      body: [
        `${deviceIds.length === 1 ? 'This device' : `These ${what}`} of ${account.userId} will be signed out at once: ${namesOf(accountId, deviceIds)}.`,
        'Their sessions end and the server deletes the encryption keys stored on them. This device (Latchkey) stays signed in.',
        'The server may ask for your password, or single sign-on, once for the whole batch.',
      ],
      confirmLabel: `Sign out ${what}`,
      danger: true,
    })
    if (!ok) return []
    const operationId = `sign-out-${Date.now().toString(36)}-${++operations}`
    running.add(operationId)
    progress.value = { operationId, accountId, done: 0, total: deviceIds.length }
    try {
      const { signedOut, openedInBrowser } = await notices.track(`Signing out ${what}…`, () =>
        withUia(
          { title: 'Confirm it is you', reason: `To sign out ${what}, confirm it is you.`, userId: account.userId, host: hostOfUrl(account.homeserverUrl) },
          (auth) => api().signOutDevices(auth ? { accountId, deviceIds, auth, operationId } : { accountId, deviceIds, operationId }),
        ),
        { accountId },
      )
      if (openedInBrowser) {
        browserOpened(account)
        return []
      }
      const gone = new Set(signedOut)
      const list = byAccount.value[accountId]
      if (list) set(accountId, list.filter((d) => !gone.has(d.deviceId)))
      notices.push('info', `Signed out ${plural(signedOut.length, 'device')}.`, { accountId })
      return signedOut
    } catch {
      return []
    } finally {
      running.delete(operationId)
      if (progress.value?.operationId === operationId) progress.value = null
    }
  }

  /**
   * Servers with their own account page (OAuth 2.0, MAS) sign devices out there: main opens the
   * device's page (or the list) in the browser, and the list is read again when the person comes
   * back to Latchkey.
   */
  async function signOutInBrowser(account: Account, deviceIds: string[]): Promise<string[]> {
    try {
      const { openedInBrowser } = await notices.track(`Opening ${account.serverName}'s account page…`, () => api().signOutDevices({ accountId: account.id, deviceIds }), {
        accountId: account.id,
      })
      if (openedInBrowser) browserOpened(account)
    } catch {
      // The notice says why.
    }
    return []
  }

  function browserOpened(account: Account): void {
    // A next step, not something done: "Note", not "Done".
    notices.push('warning', `${account.serverName} signs devices out on its own page, now open in your browser. Finish there; the list updates when you come back.`, {
      accountId: account.id,
    })
    window.addEventListener('focus', () => void load(account.id), { once: true })
  }

  /** "“Phone”, “Laptop” and 3 more" — enough for the person to recognise the batch. */
  function namesOf(accountId: string, deviceIds: string[]): string {
    const known = new Map((byAccount.value[accountId] ?? []).map((d) => [d.deviceId, d]))
    const shown = deviceIds.slice(0, 3).map((id) => {
      const name = known.get(id)?.displayName
      return name ? `“${name}” (${id})` : id
    })
    const rest = deviceIds.length - shown.length
    return rest > 0 ? `${shown.join(', ')} and ${rest.toLocaleString('en')} more` : shown.join(', ')
  }

  api().on('devicesChanged', ({ accountId, devices }) => {
    set(accountId, devices)
    fetchedAt.value = { ...fetchedAt.value, [accountId]: Date.now() }
  })
  api().on('progress', (event) => {
    if (event.operation !== 'signOutDevices' || !event.accountId) return
    if (!event.operationId || !running.has(event.operationId)) return
    progress.value = { operationId: event.operationId, accountId: event.accountId, done: event.done, total: event.total }
  })

  return { byAccount, loading, fetchedAt, refreshFailed, progress, of, load, rename, signOut, browserOpened }
})
