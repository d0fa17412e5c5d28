/**
 * A self-contained `window.latchkey` with canned accounts and as many devices as asked, for the
 * renderer bench (and a quick look at the UI without a homeserver). Runs inside the page as an
 * init script, so it may use nothing from outside its own body.
 */
export interface DemoOptions {
  callNames: readonly string[]
  deviceCount: number
}

export function installDemoBridge({ callNames, deviceCount }: DemoOptions): void {
  const now = Date.now()
  const day = 24 * 3600_000
  const accounts = [
    { id: 'a1', userId: '@alice:example.org', homeserverUrl: 'https://matrix.example.org', serverName: 'example.org', deviceId: 'LATCHKEYA1', displayName: 'Alice', authApi: 'legacy', label: 'Work', color: '#2f7d5b', order: 0, addedAt: new Date(now - 40 * day).toISOString(), status: 'active' },
    { id: 'a2', userId: '@alice:home.example', homeserverUrl: 'https://home.example', serverName: 'home.example', deviceId: 'LATCHKEYB2', displayName: 'Alice (home)', authApi: 'legacy', order: 1, addedAt: new Date(now - 10 * day).toISOString(), status: 'soft-logged-out' },
  ]
  let activeId: string | null = 'a1'
  // What each session is and whether it is verified (issue 11), so the bench renders those columns too.
  const kinds = [
    { type: 'web', client: { name: 'Firefox', version: '133' }, os: 'Linux', sources: { type: 'user-agent', client: 'user-agent', os: 'user-agent' } },
    { type: 'mobile', client: { name: 'Element', version: '1.11.4' }, os: 'iOS 17.2', sources: { type: 'user-agent', client: 'user-agent', os: 'user-agent' } },
    { type: 'mobile', client: { name: 'FluffyChat' }, os: 'Android', sources: { type: 'display-name', client: 'display-name', os: 'display-name' } },
    { type: 'desktop', client: { name: 'Nheko' }, sources: { client: 'display-name' } },
    { type: 'desktop', client: { name: 'SchildiChat', version: '1.11.30' }, os: 'Windows 10', sources: { type: 'client-information', client: 'client-information', os: 'user-agent' } },
  ]
  const verifications = [{ state: 'verified', fingerprint: 'lEuiRJBit0IG6nUf5pUzWTUEsRVVe/HJkoKuEww9ULI' }, { state: 'unverified', reason: 'No verified session has vouched for this one.' }, { state: 'no-encryption' }]
  const devices = Array.from({ length: deviceCount }, (_, i) => ({
    deviceId: i === 0 ? 'LATCHKEYA1' : `DEV${String(i).padStart(6, '0')}`,
    displayName: i === 0 ? 'Latchkey on this computer' : ['Element on Firefox', 'Element iOS', 'FluffyChat Android', 'Nheko', 'SchildiChat Desktop'][i % 5] + ` #${i}`,
    lastSeenIp: `192.168.${(i >> 8) & 255}.${i & 255}`,
    lastSeenTs: now - ((i * 7919) % 400) * day - (i % 97) * 60_000,
    current: i === 0,
    ...(i === 0 ? { type: 'desktop', client: { name: 'Latchkey', version: '0.1.0' }, sources: { type: 'client-information', client: 'client-information' }, verification: { state: 'no-encryption' } } : { ...kinds[i % 5], verification: verifications[i % 3] }),
    ...(i > 0 && i % 997 === 1 ? { new: true, firstSeenAt: new Date(now - 3600_000).toISOString() } : {}),
  }))
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const snapshot = () => ({ accounts, activeId, storage: 'keychain' })
  const answers: Record<string, (args: { accountId?: string } | undefined) => unknown> = {
    listAccounts: () => snapshot(),
    setActive: (args) => ((activeId = args?.accountId ?? null), snapshot()),
    checkAll: () => snapshot(),
    avatar: () => null,
    listDevices: (args) => (args?.accountId === 'a1' ? devices : devices.slice(0, 3)),
    markDevicesSeen: () => undefined,
    // Issue 11's overview: 20 accounts of 200 devices each (the bench's "20 × 200").
    review: () => ({
      accounts: Array.from({ length: 20 }, (_, a) => {
        const own = devices.slice(a * 200, a * 200 + 200)
        const ids = (pick: (d: (typeof devices)[number]) => boolean) => own.filter((d) => !d.current && pick(d)).map((d) => d.deviceId)
        return {
          accountId: a === 0 ? 'a1' : `r${a}`,
          userId: `@person${a}:example.org`,
          unverified: ids((d) => d.verification?.state === 'unverified'),
          inactive: ids((d) => now - d.lastSeenTs >= 90 * day),
          new: ids((d) => 'new' in d && d.new === true),
          unknown: [],
          devices: own,
        }
      }),
    }),
    discover: () => ({
      input: 'example.org', serverName: 'example.org', baseUrl: 'https://matrix.example.org', versions: ['v1.11'],
      password: true, loginToken: true, sso: true, identityProviders: [{ id: 'github', name: 'GitHub' }, { id: 'gitlab', name: 'GitLab' }],
      getLoginToken: true, oauthAwarePreferred: false, oauth: { offered: false }, warnings: [],
    }),
    generateLoginToken: () => ({
      token: 'syl_DemoTokenOnlyForPictures', expiresAt: Date.now() + 120_000,
      payload: 'latchkey://login?hs=https%3A%2F%2Fmatrix.example.org&token=syl_DemoTokenOnlyForPictures&user=%40alice%3Aexample.org',
    }),
  }
  const bridge: Record<string, unknown> = {
    on(event: string, listener: (payload: unknown) => void) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener)
      return () => set.delete(listener)
    },
  }
  for (const name of callNames) {
    bridge[name] = async (args: { accountId?: string } | undefined) => {
      const answer = answers[name]
      return answer
        ? { ok: true, value: answer(args) }
        : { ok: false, error: { code: 'unsupported', message: `The demo does not do ${name}.` } }
    }
  }
  ;(window as unknown as { latchkey: unknown }).latchkey = bridge
  ;(window as unknown as { __demo: unknown }).__demo = {
    emit(event: string, payload: unknown) {
      for (const l of listeners.get(event) ?? []) l(payload)
    },
    devices,
  }
}

/**
 * tsx (esbuild with keepNames) wraps functions in a `__name` helper that does not exist in the
 * page; scripts handed to the page from code run under tsx need this shim first.
 */
export const NAME_SHIM = 'globalThis.__name ??= (target) => target;'
