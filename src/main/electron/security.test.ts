import { describe, expect, it, vi } from 'vitest'

// Stand-ins for the parts of Electron that hardenSessions configures.
const seen = vi.hoisted(() => ({
  permissionRequest: undefined as undefined | ((c: unknown, p: string, cb: (ok: boolean) => void) => void),
  permissionCheck: undefined as undefined | (() => boolean),
  headers: undefined as undefined | ((d: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void),
  webContentsCreated: undefined as undefined | ((e: unknown, contents: unknown) => void),
  opened: [] as string[],
}))
vi.mock('electron', () => ({
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: typeof seen.permissionRequest) => (seen.permissionRequest = h),
      setPermissionCheckHandler: (h: typeof seen.permissionCheck) => (seen.permissionCheck = h),
      setDevicePermissionHandler: () => {},
      webRequest: { onHeadersReceived: (h: typeof seen.headers) => (seen.headers = h) },
    },
  },
  app: { on: (event: string, h: typeof seen.webContentsCreated) => event === 'web-contents-created' && (seen.webContentsCreated = h) },
  shell: { openExternal: async (url: string) => void seen.opened.push(url) },
}))

const { hardenSessions, openExternalFor } = await import('./security')
const { ExternalUrlAllowList, CONTENT_SECURITY_POLICY } = await import('./policy')

function fakeContents() {
  const listeners = new Map<string, (event: { preventDefault: () => void }) => void>()
  let openHandler: ((d: { url: string }) => { action: string }) | undefined
  return {
    on: (name: string, l: (event: { preventDefault: () => void }) => void) => listeners.set(name, l),
    setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
    fire(name: string) {
      let prevented = false
      listeners.get(name)?.({ preventDefault: () => (prevented = true) })
      return prevented
    },
    open: (url: string) => openHandler?.({ url }),
  }
}

describe('the hardened session', () => {
  const allowList = new ExternalUrlAllowList()
  hardenSessions(allowList)

  it('denies every permission a page asks for', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined
      seen.permissionRequest?.({}, permission, (ok) => (granted = ok))
      expect(granted, permission).toBe(false)
    }
    expect(seen.permissionCheck?.()).toBe(false)
  })

  it('adds the strict Content-Security-Policy to every response', () => {
    let answer: { responseHeaders?: Record<string, string[]> } | undefined
    seen.headers?.({ responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (answer = r as typeof answer))
    expect(answer?.responseHeaders?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY])
  })

  it('prevents navigation, redirects and webviews, and denies new windows', () => {
    const contents = fakeContents()
    seen.webContentsCreated?.({}, contents)
    expect(contents.fire('will-navigate')).toBe(true)
    expect(contents.fire('will-redirect')).toBe(true)
    expect(contents.fire('will-attach-webview')).toBe(true)
    expect(contents.open('https://evil.example.org/')).toEqual({ action: 'deny' })
    expect(seen.opened).toEqual([])
  })

  it('opens in the system browser only a web link the service offered', async () => {
    const contents = fakeContents()
    seen.webContentsCreated?.({}, contents)
    const open = openExternalFor(allowList)
    await expect(open('file:///etc/passwd')).rejects.toThrow('only web pages')
    await expect(open('javascript:alert(1)')).rejects.toThrow('only web pages')
    await open('https://matrix.example.org/_matrix/client/v3/login/sso/redirect')
    expect(seen.opened).toEqual(['https://matrix.example.org/_matrix/client/v3/login/sso/redirect'])
    expect(contents.open('https://matrix.example.org/_matrix/client/v3/login/sso/redirect')).toEqual({ action: 'deny' })
    expect(seen.opened).toHaveLength(2)
  })
})
