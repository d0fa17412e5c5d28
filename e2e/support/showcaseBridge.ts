/**
 * A self-contained `window.latchkey` with a realistic person's accounts, for the README's pictures
 * (`npm run screenshots`): real-looking servers and client names, and avatars drawn here (shapes
 * from a hash of the user ID, as an SVG data: URL), never downloaded pictures. Runs inside the page
 * as an init script, so it may use nothing from outside its own body.
 */
export interface ShowcaseOptions {
  callNames: readonly string[]
  /** Start with no account (the welcome screen). */
  empty?: boolean
}

export function installShowcaseBridge({ callNames, empty }: ShowcaseOptions): void {
  const now = Date.now()
  const minute = 60_000
  const hour = 60 * minute
  const day = 24 * hour
  const accounts = empty
    ? []
    : [
        { id: 'a1', userId: '@maya:matrix.org', homeserverUrl: 'https://matrix-client.matrix.org', serverName: 'matrix.org', deviceId: 'LTCHKY7QWE', displayName: 'Maya Okafor', avatarUrl: 'mxc://matrix.org/maya', authApi: 'legacy', label: 'Personal', color: '#7a3fb0', order: 0, addedAt: new Date(now - 200 * day).toISOString(), lastCheckedAt: new Date(now - 4 * minute).toISOString(), status: 'active' },
        { id: 'a2', userId: '@m.okafor:northwind.coop', homeserverUrl: 'https://matrix.northwind.coop', serverName: 'northwind.coop', deviceId: 'LTCHKY2NWC', displayName: 'Maya Okafor', avatarUrl: 'mxc://northwind.coop/mo', authApi: 'legacy', label: 'Work', color: '#1f7a5a', order: 1, addedAt: new Date(now - 90 * day).toISOString(), lastCheckedAt: new Date(now - 4 * minute).toISOString(), status: 'active' },
        { id: 'a3', userId: '@maya.o:tchncs.de', homeserverUrl: 'https://matrix.tchncs.de', serverName: 'tchncs.de', deviceId: 'LTCHKY5TCH', displayName: 'maya.o', authApi: 'legacy', order: 2, addedAt: new Date(now - 30 * day).toISOString(), lastCheckedAt: new Date(now - 4 * minute).toISOString(), status: 'soft-logged-out' },
      ]
  let activeId: string | null = empty ? null : 'a1'
  const seen = (ago: number) => now - ago
  const mayaDevices = [
    { deviceId: 'LTCHKY7QWE', displayName: 'Latchkey on maya-thinkpad', lastSeenIp: '84.112.47.9', lastSeenTs: seen(1 * minute), current: true },
    { deviceId: 'ELXIOSKQ3T', displayName: 'Element X on iPhone 15', lastSeenIp: '84.112.47.9', lastSeenTs: seen(12 * minute), current: false },
    { deviceId: 'DSKTPMAC8R', displayName: 'Element Desktop on macOS', lastSeenIp: '212.51.140.22', lastSeenTs: seen(3 * hour), current: false },
    { deviceId: 'FLFYPXL8HH', displayName: 'FluffyChat on Pixel 8', lastSeenIp: '2a02:8388:1:a4::1d', lastSeenTs: seen(26 * hour), current: false },
    { deviceId: 'WEBFFXLNX2', displayName: 'Element on Firefox, Linux', lastSeenIp: '84.112.47.9', lastSeenTs: seen(2 * day), current: false },
    { deviceId: 'NHEKOARCH9', displayName: 'Nheko on Arch Linux', lastSeenIp: '91.64.8.133', lastSeenTs: seen(6 * day), current: false },
    { deviceId: 'CINNYCHRM4', displayName: 'Cinny on Chrome', lastSeenIp: '185.17.204.61', lastSeenTs: seen(12 * day), current: false },
    { deviceId: 'FRACTALF40', displayName: 'Fractal on Fedora 40', lastSeenIp: '91.64.8.133', lastSeenTs: seen(33 * day), current: false },
    { deviceId: 'SCHILDIAND', displayName: 'SchildiChat on Android', lastSeenIp: '46.114.3.77', lastSeenTs: seen(58 * day), current: false },
    { deviceId: 'ELWEBSAF17', displayName: 'Element on Safari', lastSeenIp: '212.51.140.22', lastSeenTs: seen(97 * day), current: false },
    { deviceId: 'RIOTANDR06', displayName: 'Riot on Android', lastSeenIp: '46.114.3.12', lastSeenTs: seen(412 * day), current: false },
    { deviceId: 'QLVQWMPZXA', lastSeenIp: '5.146.199.20', lastSeenTs: seen(530 * day), current: false },
  ]
  const workDevices = [
    { deviceId: 'LTCHKY2NWC', displayName: 'Latchkey on maya-thinkpad', lastSeenIp: '10.20.0.14', lastSeenTs: seen(2 * minute), current: true },
    { deviceId: 'ELDSKWIN11', displayName: 'Element Desktop on Windows', lastSeenIp: '10.20.0.31', lastSeenTs: seen(40 * minute), current: false },
    { deviceId: 'ELXANDR7PX', displayName: 'Element X on Android', lastSeenIp: '84.112.47.9', lastSeenTs: seen(5 * hour), current: false },
  ]
  // What the insights add to each device: kind, app, system, verification (issue 11).
  const facts: Record<string, Record<string, unknown>> = {
    LTCHKY7QWE: { type: 'desktop', client: { name: 'Latchkey', version: '0.1.0' }, os: 'Linux' },
    ELXIOSKQ3T: { type: 'mobile', client: { name: 'Element X', version: '25.11.2' }, os: 'iOS 18' },
    DSKTPMAC8R: { type: 'desktop', client: { name: 'Element', version: '1.11.85' }, os: 'macOS' },
    FLFYPXL8HH: { type: 'mobile', client: { name: 'FluffyChat', version: '1.22' }, os: 'Android 15', new: true },
    WEBFFXLNX2: { type: 'web', client: { name: 'Element', version: '1.11.85' }, os: 'Linux' },
    NHEKOARCH9: { type: 'desktop', client: { name: 'Nheko', version: '0.12.0' }, os: 'Linux' },
    CINNYCHRM4: { type: 'web', client: { name: 'Cinny', version: '4.2' }, os: 'Windows', verification: { state: 'unverified', reason: 'This session was never verified from another of your devices.' } },
    FRACTALF40: { type: 'desktop', client: { name: 'Fractal', version: '9' }, os: 'Linux' },
    SCHILDIAND: { type: 'mobile', client: { name: 'SchildiChat' }, os: 'Android' },
    ELWEBSAF17: { type: 'web', client: { name: 'Element' }, os: 'macOS', verification: { state: 'unverified', reason: 'This session was never verified from another of your devices.' } },
    RIOTANDR06: { type: 'mobile', client: { name: 'Riot' }, os: 'Android', verification: { state: 'no-encryption' } },
  }
  const enrich = <T extends { deviceId: string }>(d: T) => {
    const known = facts[d.deviceId] ?? { type: 'unknown' }
    const verification = known.verification ?? { state: 'verified', fingerprint: `${d.deviceId.toLowerCase()}Yx3kQ9vLr2Pn8sT0wZ5` }
    return { ...d, ...known, verification, firstSeenAt: new Date(now - 120 * day).toISOString() }
  }
  for (const list of [mayaDevices]) list.splice(0, list.length, ...list.map(enrich))
  const devicesOf = (id: string | undefined) => (id === 'a1' ? mayaDevices : id === 'a2' ? workDevices : mayaDevices.slice(0, 4).map((d, i) => ({ ...d, deviceId: i === 0 ? 'LTCHKY5TCH' : `${d.deviceId.slice(0, 8)}T${i}`, current: i === 0 })))

  /** An avatar drawn from the user ID: a tinted field with a few soft shapes. */
  const avatarOf = (seed: string) => {
    let h = 2166136261
    for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0
    const pick = (n: number) => {
      h = Math.imul(h ^ (h >>> 13), 2654435761) >>> 0
      return h % n
    }
    const hues = [210, 265, 330, 20, 160, 45]
    const hue = hues[pick(hues.length)]!
    const shapes: string[] = []
    for (let i = 0; i < 4; i++) {
      const cx = 8 + pick(48)
      const cy = 8 + pick(48)
      const r = 10 + pick(18)
      shapes.push(`<circle cx="${cx}" cy="${cy}" r="${r}" fill="hsl(${(hue + i * 25) % 360} 70% ${45 + i * 8}%)" opacity="0.85"/>`)
    }
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="hsl(${hue} 55% 30%)"/>${shapes.join('')}</svg>`
    return `data:image/svg+xml,${encodeURIComponent(svg)}`
  }

  let settings = { version: 1, theme: 'system', publishClientInformation: true, newDeviceCheckMinutes: 15 }
  const snapshot = () => ({ accounts, activeId, storage: 'keychain' })
  type Args = { accountId?: string; auth?: unknown; server?: string } & Record<string, unknown>
  const answers: Record<string, (args: Args | undefined) => unknown> = {
    listAccounts: () => snapshot(),
    setActive: (args) => ((activeId = args?.accountId ?? null), snapshot()),
    checkAll: () => snapshot(),
    avatar: (args) => {
      const a = accounts.find((x) => x.id === args?.accountId)
      return a?.avatarUrl ? avatarOf(a.userId) : null
    },
    listDevices: (args) => devicesOf(args?.accountId),
    getSettings: () => settings,
    markDevicesSeen: () => undefined,
    takeNewDeviceReports: () => [],
    setSettings: (args) => (settings = { ...settings, ...args }),
    discover: () => ({
      input: 'matrix.org', serverName: 'matrix.org', baseUrl: 'https://matrix-client.matrix.org', versions: ['v1.11', 'v1.12'],
      password: true, loginToken: true, sso: true,
      identityProviders: [{ id: 'oidc-github', name: 'GitHub', brand: 'github' }, { id: 'oidc-gitlab', name: 'GitLab', brand: 'gitlab' }, { id: 'oidc-google', name: 'Google', brand: 'google' }],
      getLoginToken: true, oauthAwarePreferred: false, oauth: { offered: false }, warnings: [],
    }),
    generateLoginToken: () => ({
      token: 'syl_x7Qm2bPz9KfRw4TnVc8LhY_1a9f3c',
      expiresAt: Date.now() + 119_000,
      payload: 'latchkey://login?hs=https%3A%2F%2Fmatrix-client.matrix.org&token=syl_x7Qm2bPz9KfRw4TnVc8LhY_1a9f3c&user=%40maya%3Amatrix.org',
    }),
  }
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const bridge: Record<string, unknown> = {
    on(event: string, listener: (payload: unknown) => void) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener)
      return () => set.delete(listener)
    },
  }
  for (const name of callNames) {
    bridge[name] = async (args: Args | undefined) => {
      if (name === 'signOutDevices' || (name === 'generateLoginToken' && !args?.auth)) {
        if (!args?.auth) return { ok: false, error: { code: 'auth-required', message: 'matrix.org asks for your password to confirm this.', authStages: ['m.login.password'] } }
      }
      const answer = answers[name]
      return answer
        ? { ok: true, value: answer(args) }
        : { ok: false, error: { code: 'unsupported', message: `The demo does not do ${name}.` } }
    }
  }
  ;(window as unknown as { latchkey: unknown }).latchkey = bridge
}
