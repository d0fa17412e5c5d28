import { describe, expect, it } from 'vitest'
import { clientInformationByDevice, readClientInformation } from './client-information'
import { identifyDevice, parseUserAgent } from './device-identity'

const ELEMENT_DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Element/1.11.85 Chrome/128.0.6613.186 Electron/32.2.5 Safari/537.36'
const FIREFOX_WINDOWS_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'
const SAFARI_IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'
const ELEMENT_ANDROID_UA = 'Element/1.6.10 (Xiaomi Mi 9T; Android 11; RKQ1.200826.002 test-keys; Flavour GooglePlay; MatrixAndroidSdk2 1.6.10)'
const ELEMENT_IOS_UA = 'Element/1.11.4 (iPhone; iOS 17.2; Scale/3.00)'

describe('what a device is', () => {
  describe('from the client information it published', () => {
    it('takes Element X on Android from its name, with the operating system and type it implies', () => {
      const id = identifyDevice({ clientInformation: { name: 'Element X Android', version: '25.04.0' } })
      expect(id).toEqual({
        type: 'mobile',
        client: { name: 'Element X Android', version: '25.04.0' },
        os: 'Android',
        sources: { type: 'client-information', client: 'client-information', os: 'client-information' },
      })
    })

    it('reads Element Web (a url, no scheme) as a web session', () => {
      const id = identifyDevice({ clientInformation: { name: 'Element', version: '1.11.85', url: 'app.element.io' } })
      expect(id.type).toBe('web')
      expect(id.client).toEqual({ name: 'Element', version: '1.11.85', url: 'app.element.io' })
    })

    it('prefers the published client over the user agent and takes the rest from the user agent', () => {
      const id = identifyDevice({ clientInformation: { name: 'Element', version: '1.11.85' }, userAgent: ELEMENT_DESKTOP_UA, displayName: 'Chrome on Windows' })
      expect(id).toEqual({
        type: 'desktop',
        client: { name: 'Element', version: '1.11.85' },
        os: 'Linux',
        sources: { type: 'user-agent', client: 'client-information', os: 'user-agent' },
      })
    })

    it('keeps one entry per device from the account data, skipping withdrawn ({}) and foreign entries', () => {
      const map = clientInformationByDevice([
        { type: 'io.element.matrix_client_information.PHONE', content: { name: 'Element X iOS', version: '25.04.1' } },
        { type: 'io.element.matrix_client_information.OLD', content: {} },
        { type: 'io.element.matrix_client_information.', content: { name: 'nobody' } },
        { type: 'm.direct', content: { name: 'not client info' } },
      ])
      expect([...map.entries()]).toEqual([['PHONE', { name: 'Element X iOS', version: '25.04.1' }]])
    })

    it('cuts absurdly long names and removes characters that could disguise them', () => {
      const info = readClientInformation({ name: `Ele\u202Ement${'x'.repeat(500)}`, version: 7, url: '' })
      expect(info?.name).toMatch(/^Elementx+…$/)
      expect(info?.name?.length).toBeLessThanOrEqual(201)
      expect(info?.version).toBeUndefined()
      expect(info?.url).toBeUndefined()
    })
  })

  describe('from the user agent', () => {
    it.each([
      [ELEMENT_DESKTOP_UA, { type: 'desktop', client: { name: 'Element', version: '1.11.85' }, os: 'Linux' }],
      [FIREFOX_WINDOWS_UA, { type: 'web', client: { name: 'Firefox', version: '133' }, os: 'Windows 10' }],
      [SAFARI_IPHONE_UA, { type: 'web', client: { name: 'Safari', version: '17' }, os: 'iOS 17.4' }],
      [ELEMENT_ANDROID_UA, { type: 'mobile', client: { name: 'Element', version: '1.6.10' }, os: 'Android 11' }],
      [ELEMENT_IOS_UA, { type: 'mobile', client: { name: 'Element', version: '1.11.4' }, os: 'iOS 17.2' }],
      ['Element X Android/25.04.0 (Google Pixel 8; Android 14; AP2A.240905.003; Sdk 1.0)', { type: 'mobile', client: { name: 'Element X Android', version: '25.04.0' }, os: 'Android 14' }],
      ['ElementX/1.6.1 (iPhone; iOS 17.4; Scale/3.00)', { type: 'mobile', client: { name: 'Element X', version: '1.6.1' }, os: 'iOS 17.4' }],
      ['matrix-rust-sdk', { type: 'cli-bot', client: { name: 'matrix-rust-sdk' } }],
      ['mautrix-go/v0.20.0 go1.22.4', { type: 'cli-bot', client: { name: 'mautrix-go', version: '0.20.0' } }],
      ['curl/8.5.0', { type: 'cli-bot', client: { name: 'curl', version: '8.5.0' } }],
    ])('reads %s', (ua, expected) => {
      expect(parseUserAgent(ua)).toEqual(expected)
    })

    it('uses the user agent when nothing was published, and says so', () => {
      const id = identifyDevice({ userAgent: ELEMENT_ANDROID_UA, displayName: 'My phone' })
      expect(id.sources).toEqual({ type: 'user-agent', client: 'user-agent', os: 'user-agent' })
    })

    it('reads nothing from an empty or unreadable user agent', () => {
      expect(parseUserAgent('')).toEqual({})
      expect(parseUserAgent('  ')).toEqual({})
      expect(parseUserAgent('(((')).toEqual({})
    })
  })

  describe('from the display name', () => {
    it.each([
      ['Element Desktop: macOS', { type: 'desktop', client: { name: 'Element' }, os: 'macOS' }],
      ['app.element.io: Firefox on Linux', { type: 'web', client: { name: 'Element' }, os: 'Linux' }],
      ['Firefox on Windows', { type: 'web', client: { name: 'Firefox' }, os: 'Windows' }],
      ['FluffyChat Android', { type: 'mobile', client: { name: 'FluffyChat' }, os: 'Android' }],
      ['Nheko on Linux', { type: 'desktop', client: { name: 'Nheko' }, os: 'Linux' }],
      ['Reminder bot', { type: 'cli-bot' }],
      ['matrix-commander', { type: 'cli-bot', client: { name: 'matrix-commander' } }],
      ["Anna's iPhone", { type: 'mobile', os: 'iOS' }],
    ])('reads %s', (displayName, expected) => {
      const { sources: _sources, ...facts } = identifyDevice({ displayName })
      expect(facts).toEqual(expected)
    })

    it('says the display name was the source', () => {
      expect(identifyDevice({ displayName: 'Nheko on Linux' }).sources).toEqual({ type: 'display-name', client: 'display-name', os: 'display-name' })
    })

    it('leaves a device with nothing to go on unknown, with no sources', () => {
      expect(identifyDevice({ displayName: 'QXKZLPMA' })).toEqual({ type: 'unknown', sources: {} })
      expect(identifyDevice({})).toEqual({ type: 'unknown', sources: {} })
    })
  })
})

describe('display names and user agents read once', () => {
  it('give the same facts from memory as at first, and again after the memory filled up and started over', () => {
    const names = ['Element Desktop on Linux', 'app.element.io: Firefox on Windows', 'maubot', 'Pixel 8 phone']
    const first = names.map((displayName) => identifyDevice({ displayName }))
    expect(first.map((f) => f.type)).toEqual(['desktop', 'web', 'cli-bot', 'mobile'])
    expect(names.map((displayName) => identifyDevice({ displayName }))).toEqual(first)
    for (let i = 0; i < 9000; i++) identifyDevice({ displayName: `Session ${i}`, userAgent: `bot-${i}/1.0` })
    expect(names.map((displayName) => identifyDevice({ displayName }))).toEqual(first)
  })
})
