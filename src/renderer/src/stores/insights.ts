import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { Account, AccountReview, UiaAuth } from '../../../shared/contract'
import { api } from '../api'
import { hasCode, sentence } from '../lib/errors'
import { summarise, type Summary } from '../lib/insights'
import { useAccounts } from './accounts'
import { useDevices } from './devices'
import { useNotices } from './notices'
import { withUia } from './uia'

/** What the details view or the one-device sign-out dialog is about. */
export interface DeviceRef {
  accountId: string
  deviceId: string
}

/**
 * Issue 11 in the renderer: which device's details or sign-out dialog is open, the stages each
 * account's server asked for last time (so the next sign-out asks for the password at once), the
 * overview across accounts, and what needs attention per account (the sidebar's badge).
 */
export const useInsights = defineStore('insights', () => {
  const devices = useDevices()
  const notices = useNotices()

  const details = shallowRef<DeviceRef | null>(null)
  const signingOut = shallowRef<DeviceRef | null>(null)
  /** accountId → the UIA stages its server asked for on the last sign-out. */
  const authStages = shallowRef<Record<string, string[]>>({})
  const overviewOpen = ref(false)
  const reviews = shallowRef<AccountReview[] | null>(null)
  const reviewing = ref(false)
  const now = ref(Date.now())

  function rememberStages(accountId: string, stages: string[] | undefined): void {
    if (stages && stages.length > 0) authStages.value = { ...authStages.value, [accountId]: stages }
  }

  /**
   * Signs one device out; `auth` when the dialog already asked. Rejects with the server's reason.
   * On a server that signs devices out on its own page, main opens that page instead: the device
   * stays listed until the person comes back and the list is read again.
   */
  async function signOutOne(account: Account, deviceId: string, auth?: UiaAuth): Promise<void> {
    let openedInBrowser: string | undefined
    try {
      ;({ openedInBrowser } = await api().signOutDevices(auth ? { accountId: account.id, deviceIds: [deviceId], auth } : { accountId: account.id, deviceIds: [deviceId] }))
    } catch (error) {
      if (hasCode(error, 'auth-required', 'wrong-credentials')) rememberStages(account.id, error.authStages)
      throw error
    }
    if (openedInBrowser) {
      devices.browserOpened(account)
      return
    }
    const list = devices.of(account.id)
    if (list) devices.byAccount = { ...devices.byAccount, [account.id]: list.filter((d) => d.deviceId !== deviceId) }
    notices.push('info', `Signed out ${deviceId}.`, { accountId: account.id })
  }

  /** The person looked at these devices: they are no longer New. */
  async function markSeen(accountId: string, deviceIds: string[]): Promise<void> {
    if (deviceIds.length === 0) return
    await api().markDevicesSeen({ accountId, deviceIds })
    const list = devices.of(accountId)
    const seen = new Set(deviceIds)
    if (list) devices.byAccount = { ...devices.byAccount, [accountId]: list.map((d) => (d.new && seen.has(d.deviceId) ? { ...d, new: false } : d)) }
  }

  /**
   * The person reset the account's verification identity themselves: no more warning about it, and
   * the devices are read again, since what the new identity signed is now called verified.
   */
  async function acknowledgeIdentity(accountId: string): Promise<void> {
    await notices.track('Saving…', () => api().acknowledgeIdentity({ accountId }), { accountId })
    await devices.load(accountId).catch(() => undefined)
  }

  async function loadReview(): Promise<void> {
    reviewing.value = true
    try {
      const r = await notices.track('Reviewing every account…', () => api().review())
      reviews.value = r.accounts
      now.value = Date.now()
    } finally {
      reviewing.value = false
    }
  }

  /** Progress of "Sign out inactive sessions" across accounts: one bar for all of them. */
  const batch = shallowRef<{ done: number; total: number } | null>(null)

  /**
   * Signs out the chosen inactive devices of several accounts, one account after another; each
   * account's server is answered once if it asks (password or browser), with one progress bar.
   */
  async function signOutInactive(accounts: Account[], plan: Record<string, string[]>): Promise<number> {
    const total = accounts.reduce((n, a) => n + (plan[a.id]?.length ?? 0), 0)
    let done = 0
    batch.value = { done, total }
    try {
      for (const account of accounts) {
        const deviceIds = plan[account.id]
        if (!deviceIds || deviceIds.length === 0) continue
        const what = `${deviceIds.length} inactive session${deviceIds.length === 1 ? '' : 's'}`
        try {
          const { signedOut } = await withUia({ title: 'Confirm it is you', reason: `To sign out ${what} of ${account.userId}, confirm it is you.`, userId: account.userId }, (auth) =>
            api().signOutDevices(auth ? { accountId: account.id, deviceIds, auth } : { accountId: account.id, deviceIds }),
          )
          done += signedOut.length
          batch.value = { done, total }
        } catch (error) {
          if (!hasCode(error, 'cancelled')) notices.push('error', sentence(error), { accountId: account.id })
        }
      }
    } finally {
      batch.value = null
    }
    await loadReview().catch(() => undefined)
    return done
  }

  /** Per account, what its devices list says needs attention (for the sidebar's badge). */
  const attention = computed<Record<string, Summary>>(() => {
    const out: Record<string, Summary> = {}
    for (const [accountId, list] of Object.entries(devices.byAccount)) out[accountId] = summarise(list, now.value)
    for (const r of reviews.value ?? []) {
      if (!out[r.accountId]) out[r.accountId] = { unverified: r.unverified.length, inactive: r.inactive.length, new: r.new.length, unknown: r.unknown.length }
    }
    return out
  })

  function needsAttention(accountId: string): boolean {
    const s = attention.value[accountId]
    return !!s && (s.new > 0 || s.unverified > 0 || s.unknown > 0)
  }

  // A click on a new sign-in's notification: that account, that device's details.
  api().on('openDevice', ({ accountId, deviceId }) => {
    overviewOpen.value = false
    void useAccounts().select(accountId).catch(() => undefined)
    details.value = { accountId, deviceId }
  })

  api().on('newDevices', ({ accountId }) => {
    // The list will show them as New; a review shown now is out of date.
    void devices.load(accountId).catch(() => undefined)
  })

  return { details, signingOut, authStages, overviewOpen, reviews, reviewing, batch, attention, needsAttention, signOutOne, markSeen, acknowledgeIdentity, loadReview, signOutInactive, rememberStages }
})
