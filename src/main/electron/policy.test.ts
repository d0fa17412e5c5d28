import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LoginLinkInbox } from './login-links'
import {
  APP_URL,
  CONTENT_SECURITY_POLICY,
  devServerUrl,
  ExternalUrlAllowList,
  isLoginLink,
  loginLinkIn,
  isTrustedSenderUrl,
  isWebUrl,
  resolveBundlePath,
} from './policy'

describe('the IPC sender check', () => {
  it('trusts only the app bundle, or the dev server when one is running', () => {
    expect(isTrustedSenderUrl(APP_URL)).toBe(true)
    expect(isTrustedSenderUrl('latchkey-app://bundle/index.html#/devices')).toBe(true)
    expect(isTrustedSenderUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true)
    expect(isTrustedSenderUrl('http://localhost:5173/')).toBe(false)
    expect(isTrustedSenderUrl('latchkey-app://evil/index.html')).toBe(false)
    expect(isTrustedSenderUrl('https://matrix.example.org/')).toBe(false)
    expect(isTrustedSenderUrl('file:///etc/passwd')).toBe(false)
    expect(isTrustedSenderUrl('about:blank')).toBe(false)
    expect(isTrustedSenderUrl(undefined)).toBe(false)
    expect(isTrustedSenderUrl('not a url')).toBe(false)
  })
})

describe('opening links in the system browser', () => {
  it('accepts only http and https URLs', () => {
    expect(isWebUrl('https://example.org/account')).toBe(true)
    expect(isWebUrl('http://127.0.0.1:8080/sso')).toBe(true)
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'latchkey://login', 'https://', '']) {
      expect(isWebUrl(bad), bad).toBe(false)
    }
  })

  it('opens a link only when the service offered that exact URL first', () => {
    const list = new ExternalUrlAllowList()
    expect(list.allows('https://account.example.org/manage')).toBe(false)
    expect(list.offer('https://account.example.org/manage')).toBe(true)
    expect(list.allows('https://account.example.org/manage')).toBe(true)
    expect(list.allows('https://account.example.org/manage?x=1')).toBe(false)
    expect(list.offer('file:///etc/passwd')).toBe(false)
    expect(list.allows('file:///etc/passwd')).toBe(false)
  })
})

describe('serving the renderer bundle', () => {
  const root = '/opt/latchkey/out/renderer'

  it('maps bundle URLs to files inside the renderer folder', () => {
    expect(resolveBundlePath('latchkey-app://bundle/', root)).toBe(join(root, 'index.html'))
    expect(resolveBundlePath('latchkey-app://bundle/index.html', root)).toBe(join(root, 'index.html'))
    expect(resolveBundlePath('latchkey-app://bundle/assets/app.js', root)).toBe(join(root, 'assets/app.js'))
  })

  it('keeps plain dot segments inside the folder (the URL parser folds them)', () => {
    expect(resolveBundlePath('latchkey-app://bundle/../../etc/passwd', root)).toBe(join(root, 'etc/passwd'))
  })

  it('refuses anything that would leave the renderer folder', () => {
    for (const url of [
      'latchkey-app://bundle/..%2f..%2fetc/passwd',
      'latchkey-app://bundle/assets%5c..%5c..%5csecret',
      'latchkey-app://bundle/%00',
      'latchkey-app://bundle/%E0%A4%A',
      'latchkey-app://other/index.html',
      'file:///etc/passwd',
    ]) {
      expect(resolveBundlePath(url, root), url).toBeNull()
    }
  })

  it('has a policy with no remote code, inline script or eval', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'")
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|https?:/)
  })
})

describe('the development server', () => {
  const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173' }

  it('is loaded only when the app is not packaged', () => {
    expect(devServerUrl(false, env)).toBe('http://localhost:5173')
    expect(devServerUrl(true, env)).toBeUndefined()
    expect(devServerUrl(false, {})).toBeUndefined()
  })

  it('is only ever a page on this machine', () => {
    expect(devServerUrl(false, { ELECTRON_RENDERER_URL: 'https://evil.example/' })).toBeUndefined()
    expect(devServerUrl(false, { ELECTRON_RENDERER_URL: 'file:///tmp/index.html' })).toBeUndefined()
    expect(devServerUrl(false, { ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173/' })).toBe('http://127.0.0.1:5173/')
  })
})

describe('latchkey: links', () => {
  const link = 'latchkey://login?hs=https%3A%2F%2Fmatrix.example.org&token=abc&user=%40a%3Aexample.org'

  it('takes only login links of a sane length', () => {
    expect(isLoginLink(link)).toBe(true)
    expect(isLoginLink('LATCHKEY://login/?hs=x')).toBe(true)
    expect(isLoginLink('latchkey://settings?x=1')).toBe(false)
    expect(isLoginLink('latchkey://login')).toBe(false)
    expect(isLoginLink(`${link}${'a'.repeat(9000)}`)).toBe(false)
    expect(isLoginLink(42)).toBe(false)
  })

  it('finds the link among a launch’s arguments, whatever comes before it', () => {
    expect(loginLinkIn(['/opt/Latchkey/latchkey', '--no-sandbox', link])).toBe(link)
    expect(loginLinkIn(['/opt/Latchkey/latchkey', '--flag'])).toBeUndefined()
  })

  it('keeps the latest link until the window can hear it, then passes each on at once', () => {
    const inbox = new LoginLinkInbox()
    const heard: string[] = []
    expect(inbox.receive('https://example.org')).toBe(false)
    inbox.receive(`${link}&n=1`)
    inbox.receive(`${link}&n=2`)
    inbox.connect((l) => heard.push(l))
    inbox.receive(`${link}&n=3`)
    expect(heard).toEqual([`${link}&n=2`, `${link}&n=3`])
  })
})
