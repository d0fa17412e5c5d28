import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { Account, AccountsSnapshot, Discovery, UserIdentifier } from '../../../shared/contract'
import { ContractError } from '../../../shared/errors'
import { api } from '../api'
import { detailOf, hasCode, sentence } from '../lib/errors'
import { hostOfUrl } from '../lib/host'
import { useNotices } from './notices'
import { usePrompts } from './prompts'

export interface SsoPending {
  requestId: string
  url: string
  server: string
}

/** A short name for an account in sentences: its display name, else its user id. */
export function accountName(account: Account): string {
  return account.displayName || account.userId
}

/**
 * The user id as every place shows it: with the homeserver's host beside it when the person
 * accepted a homeserver the user id's own server does not vouch for (issue 9 §2).
 */
export function userIdLine(account: Account): string {
  return account.servedBy ? `${account.userId} (served by ${account.servedBy})` : account.userId
}

/**
 * The accounts as main reports them: the list, which one is active, where secrets live. Every
 * `accountsChanged` event replaces the mirror; actions update it from what main answers.
 */
export const useAccounts = defineStore('accounts', () => {
  const notices = useNotices()
  const prompts = usePrompts()

  const list = shallowRef<Account[]>([])
  /** The active account as main last reported it. */
  const reportedActiveId = ref<string | null>(null)
  const storage = ref<AccountsSnapshot['storage']>('keychain')
  const storageNotice = ref<string | undefined>()
  const loaded = ref(false)
  /** data: URLs by account id, for the avatar each account had when it was fetched. */
  const avatars = ref<Record<string, { mxc: string; url: string | null }>>({})
  const sso = shallowRef<SsoPending | null>(null)

  // What the person asked for and main has not yet confirmed. Shown at once, and kept over any
  // snapshot that arrives meanwhile (an earlier call's answer or event must not undo a later click).
  const wantedActiveId = ref<string | null>(null)
  const wantedOrder = shallowRef<string[] | null>(null)

  const activeId = computed(() => wantedActiveId.value ?? reportedActiveId.value)
  const ordered = computed(() => {
    const order = wantedOrder.value
    if (!order) return [...list.value].sort((a, b) => a.order - b.order)
    const rank = (a: Account) => {
      const at = order.indexOf(a.id)
      return at < 0 ? order.length + a.order : at
    }
    return [...list.value].sort((a, b) => rank(a) - rank(b))
  })
  const active = computed(() => list.value.find((a) => a.id === activeId.value) ?? null)
  /**
   * Sessions end when Latchkey quits because no keychain answered. (Main says so with a notice; a
   * memory store chosen on purpose, as in tests, comes without one.)
   */
  const sessionsEndAtQuit = computed(() => storage.value === 'memory' && storageNotice.value !== undefined)

  // Calls that change the account list go to main one at a time, in the order they were made, so
  // each answer already includes the changes before it.
  let queue: Promise<unknown> = Promise.resolve()
  function serially<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work, work)
    queue = run.catch(() => undefined)
    return run
  }

  function apply(snapshot: AccountsSnapshot): void {
    // An account that is well again takes its trouble notices with it.
    const before = new Map(list.value.map((a) => [a.id, a.status]))
    for (const a of snapshot.accounts) {
      const was = before.get(a.id)
      if (was && was !== 'active' && a.status === 'active') notices.clearAccount(a.id)
    }
    list.value = snapshot.accounts
    reportedActiveId.value = snapshot.activeId
    storage.value = snapshot.storage
    storageNotice.value = snapshot.storageNotice
    loaded.value = true
    void refreshAvatars()
  }

  function replace(account: Account): void {
    const known = list.value.some((a) => a.id === account.id)
    list.value = known ? list.value.map((a) => (a.id === account.id ? account : a)) : [...list.value, account]
  }

  async function refreshAvatars(): Promise<void> {
    const wanted = list.value.filter((a) => a.avatarUrl && avatars.value[a.id]?.mxc !== a.avatarUrl)
    await Promise.all(
      wanted.map(async (account) => {
        const mxc = account.avatarUrl!
        avatars.value = { ...avatars.value, [account.id]: { mxc, url: null } }
        try {
          const url = await api().avatar({ accountId: account.id })
          avatars.value = { ...avatars.value, [account.id]: { mxc, url } }
        } catch {
          // An avatar that cannot be fetched falls back to initials; it is not worth a notice.
        }
      }),
    )
  }

  function avatarOf(accountId: string): string | null {
    return avatars.value[accountId]?.url ?? null
  }

  async function load(): Promise<void> {
    apply(await notices.track('Loading your accounts…', () => serially(() => api().listAccounts())))
  }

  /**
   * An `accountsChanged` event says the list changed; what is true now is asked for in the same
   * queue as this window's own changes. An event can reach the window after the answer to a later
   * call (they travel apart), so applying its payload could put back an older state.
   */
  let refreshQueued = false
  function refresh(): void {
    if (refreshQueued) return
    refreshQueued = true
    void serially(async () => {
      refreshQueued = false
      apply(await api().listAccounts())
    }).catch(() => undefined)
  }

  async function select(accountId: string): Promise<void> {
    if (accountId === activeId.value) return
    // Notices about the account left behind go with it: they would speak of what is not on screen.
    const leaving = activeId.value
    if (leaving) notices.clearAccount(leaving)
    wantedActiveId.value = accountId
    try {
      apply(await notices.track('Switching account…', () => serially(() => api().setActive({ accountId }))))
    } catch {
      // Main's own view stands; the notice says why.
    } finally {
      if (wantedActiveId.value === accountId) wantedActiveId.value = null
    }
  }

  /** Moves an account to a position in the list (drag and drop, or Alt+arrow keys). */
  async function move(accountId: string, toIndex: number): Promise<void> {
    const ids = ordered.value.map((a) => a.id)
    const from = ids.indexOf(accountId)
    const to = Math.max(0, Math.min(ids.length - 1, toIndex))
    if (from < 0 || from === to) return
    ids.splice(from, 1)
    ids.splice(to, 0, accountId)
    wantedOrder.value = ids
    try {
      apply(await notices.track('Saving the new order…', () => serially(() => api().reorder({ accountIds: ids }))))
    } catch {
      // Main's own order stands; the notice says why.
    } finally {
      if (wantedOrder.value === ids) wantedOrder.value = null
    }
  }

  async function relabel(accountId: string, label: string | undefined, color: string | undefined): Promise<void> {
    const args: { accountId: string; label?: string; color?: string } = { accountId }
    if (label !== undefined) args.label = label
    if (color !== undefined) args.color = color
    replace(await notices.track('Saving the label…', () => serially(() => api().relabel(args)), { accountId }))
  }

  // Actions started by a button end here: their failure is already a notice, not an unhandled rejection.
  async function checkAll(): Promise<void> {
    try {
      await notices.track('Checking every account with its server…', () => api().checkAll())
    } catch {
      return
    }
    refresh()
  }

  function discover(server: string): Promise<Discovery> {
    return notices.track(`Looking up ${server}…`, () => api().discover({ server }), { quiet: true })
  }

  async function added(account: Account): Promise<Account> {
    replace(account)
    await select(account.id)
    notices.push('info', `Signed in as ${account.userId}.`)
    return account
  }

  /**
   * issue 9 §5: a sign-in that would send a password or token over plain http:// to a server off
   * this computer answers `plain-http` before sending anything. The person reads that sentence and
   * chooses; only a yes makes the call again, with allowPlainHttp.
   */
  async function withPlainHttpConsent<T>(call: (allow: { allowPlainHttp?: true }) => Promise<T>): Promise<T> {
    try {
      return await call({})
    } catch (failure) {
      if (!hasCode(failure, 'plain-http')) throw failure
      const ok = await prompts.confirm({
        title: 'Continue without encryption?',
        body: [failure.message, 'Continue only if you trust every network between this computer and the server.'],
        confirmLabel: 'Continue without encryption',
        danger: true,
      })
      if (!ok) throw new ContractError({ code: 'cancelled', message: 'Nothing was sent: you chose not to continue without encryption.' })
      return call({ allowPlainHttp: true })
    }
  }

  /**
   * issue 9 §2: a sign-in whose user id's own server does not vouch for the homeserver answers
   * `trust-required` with the host in question; nothing is kept. The person reads who would hold
   * the account and chooses; only a yes makes the call again, accepting that one host.
   */
  async function withTrustConsent<T>(call: (trust: { trustServer?: string }) => Promise<T>): Promise<T> {
    try {
      return await call({})
    } catch (failure) {
      if (!hasCode(failure, 'trust-required') || !failure.trust) throw failure
      const { host, userId, serverName } = failure.trust
      const ok = await prompts.confirm({
        title: `Trust ${host}?`,
        body: [
          `${userId} is served by ${host}, which ${serverName} does not vouch for.`,
          `Any server can call an account ${userId}. Go on only if you know that ${host} really holds your ${serverName} account; Latchkey will then show ${host} beside it.`,
        ],
        confirmLabel: `Trust ${host}`,
        danger: true,
      })
      if (!ok) throw new ContractError({ code: 'cancelled', message: `Nothing was kept: you chose not to trust ${host}.` })
      return call({ trustServer: host })
    }
  }

  async function addWithPassword(server: string, identifier: UserIdentifier, password: string): Promise<Account> {
    const account = await withPlainHttpConsent((allow) =>
      withTrustConsent((trust) =>
        notices.track(`Signing in to ${server}…`, () => api().addWithPassword({ server, identifier, password, ...allow, ...trust }), {
          quiet: true,
        }),
      ),
    )
    return added(account)
  }

  async function addWithLoginToken(payload: string, server?: string): Promise<Account> {
    const args = server ? { payload, server } : { payload }
    const account = await withPlainHttpConsent((allow) =>
      withTrustConsent((trust) =>
        notices.track('Signing in with the login token…', () => api().addWithLoginToken({ ...args, ...allow, ...trust }), { quiet: true }),
      ),
    )
    return added(account)
  }

  /**
   * SSO: main opens the identity provider's page in the browser and waits for the redirect;
   * the window shows that it is waiting, and can cancel.
   */
  async function signInWithSso(server: string, idpId?: string, accountId?: string): Promise<Account> {
    const args: { server: string; idpId?: string; accountId?: string } = { server }
    if (idpId) args.idpId = idpId
    if (accountId) args.accountId = accountId
    return added(await inBrowser(server, (consent) => api().beginSso({ ...args, ...consent })))
  }

  /**
   * OAuth 2.0 ("Continue with <server>"): main opens the server's own sign-in page in the browser
   * and waits for it to come back; the window shows that it is waiting (as for SSO), and can cancel.
   */
  async function signInWithOAuth(server: string, options: { accountId?: string; create?: boolean } = {}): Promise<Account> {
    return added(await inBrowser(server, (consent) => api().beginOAuth({ server, ...options, ...consent })))
  }

  /**
   * A sign-in that main finishes in the browser (SSO, OAuth 2.0): started with the person's consents
   * (plain http, trusting the host) as they are asked for, shown as waiting (`sso`, which can
   * cancel) until main answers.
   */
  async function inBrowser(
    server: string,
    begin: (consent: { allowPlainHttp?: true; trustServer?: string }) => Promise<{ requestId: string; url: string }>,
  ): Promise<Account> {
    return withPlainHttpConsent((allow) => withTrustConsent((trust) => notices.track(
      'Waiting for you to finish signing in in your browser…',
      async () => {
        const { requestId, url } = await begin({ ...allow, ...trust })
        sso.value = { requestId, url, server }
        try {
          return await api().completeSso({ requestId })
        } finally {
          sso.value = null
        }
      },
      { quiet: true },
    )))
  }

  async function cancelSso(): Promise<void> {
    const pending = sso.value
    if (!pending) return
    sso.value = null
    await api()
      .cancelSso({ requestId: pending.requestId })
      .catch(() => undefined)
  }

  /**
   * One click from the sidebar: ask for the password (or offer SSO, as the server allows) and sign
   * in again on the same device.
   */
  async function reLogin(accountId: string): Promise<void> {
    const account = list.value.find((a) => a.id === accountId)
    if (!account) return
    if (account.authApi === 'oauth') {
      // Its server's own page signs it in again, in the browser, keeping the device.
      try {
        await signInWithOAuth(account.homeserverUrl, { accountId })
      } catch (failure) {
        if (!hasCode(failure, 'cancelled')) notices.push('error', sentence(failure), { accountId, detail: detailOf(failure) })
      }
      return
    }
    let stages: string[]
    try {
      const found = await notices.track(
        `Checking how ${account.serverName} signs people in…`,
        () => api().discover({ server: account.homeserverUrl }),
        { accountId },
      )
      stages = [...(found.password ? ['m.login.password'] : []), ...(found.sso ? ['m.login.sso'] : [])]
    } catch {
      return
    }
    let error: string | undefined
    for (;;) {
      const auth = await prompts.askAuth({
        title: 'Sign in again',
        reason: `Your session on ${account.serverName} ended. Sign in again to keep using this device (${account.deviceId}).`,
        userId: account.userId,
        host: hostOfUrl(account.homeserverUrl),
        stages,
        submitLabel: 'Sign in',
        ...(error ? { error } : {}),
      })
      if (!auth) return
      try {
        if (auth.type === 'sso') {
          await signInWithSso(account.homeserverUrl, undefined, account.id)
        } else {
          replace(
            await withPlainHttpConsent((allow) =>
              withTrustConsent((trust) =>
                notices.track(
                  `Signing in to ${account.serverName}…`,
                  () => api().reLogin({ accountId, password: auth.password, ...allow, ...trust }),
                  { quiet: true },
                ),
              ),
            ),
          )
          notices.push('info', `Signed in again as ${account.userId}.`)
        }
        return
      } catch (failure) {
        if (hasCode(failure, 'wrong-credentials')) {
          error = failure.message
          continue
        }
        if (!hasCode(failure, 'cancelled')) notices.push('error', sentence(failure), { accountId, detail: detailOf(failure) })
        return
      }
    }
  }

  async function logout(accountId: string): Promise<void> {
    const account = list.value.find((a) => a.id === accountId)
    if (!account) return
    const ok = await prompts.confirm({
      title: `Sign out of ${account.userId}?`,
      body: [
        `Latchkey's own session on ${account.serverName} ends: device ${account.deviceId} is signed out and its encryption keys are deleted by the server.`,
        'Your other devices stay signed in.',
        `Latchkey then removes ${account.userId} from its list. If the server cannot be reached, the account stays marked "Signing out" and Latchkey tries again at the next check.`,
      ],
      confirmLabel: 'Sign out',
      danger: true,
    })
    if (!ok) return
    await signOutWith(() => notices.track(`Signing out of ${account.userId}…`, () => api().logout({ accountId }), { accountId }))
  }

  /**
   * A sign-out the server did not confirm leaves the account marked "Signing out"; the account's
   * own banner says so and offers what to do, so a second, longer notice would only repeat it.
   */
  async function signOutWith(call: () => Promise<{ outcome: 'logged-out' | 'pending-logout'; message: string }>): Promise<void> {
    try {
      const result = await call()
      if (result.outcome === 'logged-out') notices.push('info', result.message)
    } catch {
      // The notice says why; the account stays as it was.
    }
  }

  async function logoutAll(accountId: string, deviceCount?: number): Promise<void> {
    const account = list.value.find((a) => a.id === accountId)
    if (!account) return
    if (account.signOutInBrowser) {
      // Its server ends sessions on its own page: main opens it and says why (no confirmation here).
      await api()
        .logoutAll({ accountId })
        .catch((failure: unknown) => notices.push('warning', sentence(failure), { accountId }))
      return
    }
    const devices =
      deviceCount === undefined
        ? 'every device'
        : `all ${deviceCount.toLocaleString('en')} device${deviceCount === 1 ? '' : 's'}`
    const ok = await prompts.confirm({
      title: `Sign out of ${account.userId} everywhere?`,
      body: [
        `Every session of ${account.userId} ends at once — ${devices}, including Latchkey's own (${account.deviceId}).`,
        'The server deletes those devices and the encryption keys stored on them: messages that only they could decrypt become unreadable unless you use key backup.',
        `Latchkey then removes ${account.userId} from its list; to use it again, sign in anew.`,
      ],
      confirmLabel: 'Sign out everywhere',
      danger: true,
    })
    if (!ok) return
    await signOutWith(() =>
      notices.track(`Signing out of ${account.userId} everywhere…`, () => api().logoutAll({ accountId }), { accountId }),
    )
  }

  async function forget(accountId: string): Promise<void> {
    const account = list.value.find((a) => a.id === accountId)
    if (!account) return
    const ok = await prompts.confirm({
      title: `Forget ${account.userId} without signing out?`,
      body: [
        `Latchkey removes the account and its saved session from this computer, but does not tell ${account.serverName}.`,
        `Device ${account.deviceId} stays signed in on the server until you sign it out from another device.`,
      ],
      confirmLabel: 'Forget',
      danger: true,
    })
    if (!ok) return
    try {
      apply(await notices.track(`Forgetting ${account.userId}…`, () => serially(() => api().forget({ accountId }))))
    } catch {
      // The notice says why; the account stays in the list.
    }
  }

  // An ended session is the one failure with a single remedy: the notice offers it, and stays.
  notices.setRemedy((error, accountId) =>
    accountId && hasCode(error, 'soft-logged-out') ? { label: 'Sign in again', run: () => reLogin(accountId) } : undefined,
  )

  api().on('accountsChanged', refresh)

  /**
   * A latchkey://login?… link opened from outside (issue 9 §5): it only fills the "Sign in with a
   * login token" form; the person signs in there, or not.
   */
  const loginLink = ref<string | null>(null)
  api().on('loginLink', ({ payload }) => {
    loginLink.value = payload
  })
  function takeLoginLink(): string | null {
    const link = loginLink.value
    loginLink.value = null
    return link
  }

  return {
    loginLink,
    takeLoginLink,
    list,
    ordered,
    active,
    activeId,
    storage,
    storageNotice,
    sessionsEndAtQuit,
    loaded,
    sso,
    avatarOf,
    load,
    select,
    move,
    relabel,
    checkAll,
    discover,
    addWithPassword,
    addWithLoginToken,
    signInWithSso,
    signInWithOAuth,
    cancelSso,
    reLogin,
    logout,
    logoutAll,
    forget,
  }
})
