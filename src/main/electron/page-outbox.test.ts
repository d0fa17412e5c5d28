import { EventEmitter } from 'node:events'
import { beforeAll, describe, expect, it } from 'vitest'
import { ipcChannel } from '../../shared/channels'
import { PageOutbox } from './page-outbox'

function fakeWindow() {
  const sent: Array<[string, unknown]> = []
  const webContents = Object.assign(new EventEmitter(), { send: (channel: string, payload: unknown) => sent.push([channel, payload]) })
  const window = Object.assign(new EventEmitter(), { webContents, isDestroyed: () => false })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { window: window as any, sent, load: () => webContents.emit('did-finish-load') }
}

/** The outbox flushes once the page has loaded and the event checker has been imported. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50))
// Loaded once here, so the outbox's own import of it answers at once in every test.
beforeAll(() => import('../../shared/bind'))

describe('events for the window\'s page', () => {
  it('holds events sent while the page loads and sends them in order once it has loaded', async () => {
    const outbox = new PageOutbox()
    const win = fakeWindow()
    outbox.open(win.window)
    outbox.send('notice', { level: 'warning', message: 'first' })
    outbox.send('loginLink', { payload: 'latchkey://login?token=1' })
    await settle()
    expect(win.sent).toEqual([])
    win.load()
    await settle()
    outbox.send('notice', { level: 'info', message: 'after' })
    expect(win.sent.map(([channel]) => channel)).toEqual([ipcChannel('notice'), ipcChannel('loginLink'), ipcChannel('notice')])
    expect(win.sent[0]![1]).toEqual({ level: 'warning', message: 'first' })
  })

  it('strips a payload to its schema before it reaches the page', async () => {
    const outbox = new PageOutbox()
    const win = fakeWindow()
    outbox.open(win.window)
    win.load()
    await settle()
    outbox.send('notice', { level: 'warning', message: 'No keychain.', accessToken: 'syt_leak' })
    expect(win.sent).toEqual([[ipcChannel('notice'), { level: 'warning', message: 'No keychain.' }]])
  })

  it('drops events while no window is open and holds them again for the next page', async () => {
    const outbox = new PageOutbox()
    const first = fakeWindow()
    outbox.open(first.window)
    first.load()
    await settle()
    first.window.emit('closed')
    outbox.send('notice', { level: 'info', message: 'nobody hears this' })
    const second = fakeWindow()
    outbox.open(second.window)
    outbox.send('notice', { level: 'info', message: 'for the new page' })
    second.load()
    await settle()
    expect(first.sent).toEqual([])
    expect(second.sent).toEqual([[ipcChannel('notice'), { level: 'info', message: 'for the new page' }]])
  })
})
