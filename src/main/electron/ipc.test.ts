import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Binding } from '../../shared/bind'
import { CALL_NAMES, ipcChannel } from '../../shared/channels'

// A stand-in for Electron's ipcMain: records the handlers registerIpc installs.
const handlers = new Map<string, (event: unknown, args: unknown) => Promise<unknown>>()
vi.mock('electron', () => ({
  ipcMain: { handle: (channel: string, handler: (event: unknown, args: unknown) => Promise<unknown>) => handlers.set(channel, handler) },
  app: { isPackaged: true },
}))

const { registerIpc } = await import('./ipc')
const { ExternalUrlAllowList, APP_URL } = await import('./policy')

function fakeWindow() {
  const mainFrame = { url: APP_URL }
  const sent: Array<[string, unknown]> = []
  const webContents = { mainFrame, send: (channel: string, payload: unknown) => sent.push([channel, payload]) }
  return { window: { webContents, isDestroyed: () => false }, mainFrame, webContents, sent }
}

function setup(started: (binding: Binding) => Promise<Binding | undefined> = async (binding) => binding) {
  handlers.clear()
  const calls: Array<[unknown, unknown]> = []
  const binding: Binding = {
    call: async (name, args) => {
      calls.push([name, args])
      return { ok: false, error: { code: 'unsupported', message: 'Manage devices on the web.', url: 'https://account.example.org/devices' } }
    },
  }
  const allowList = new ExternalUrlAllowList()
  const win = fakeWindow()
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  registerIpc(started(binding), () => win.window as any, allowList)
  return { calls, allowList, win, binding }
}

describe('the IPC binding in the Electron shell', () => {
  beforeEach(() => handlers.clear())

  it('registers exactly one handler per call of the contract', () => {
    setup()
    expect([...handlers.keys()].sort()).toEqual(CALL_NAMES.map(ipcChannel).sort())
  })

  it('answers forbidden, without reaching the service, to a sender that is not the app window', async () => {
    const { calls, win } = setup()
    const handler = handlers.get(ipcChannel('listAccounts'))!
    const strangers = [
      { sender: {}, senderFrame: win.mainFrame },
      { sender: win.webContents, senderFrame: { url: APP_URL } },
      { sender: win.webContents, senderFrame: null },
    ]
    for (const event of strangers) {
      const answer = (await handler(event, undefined)) as { ok: boolean; error?: { code: string } }
      expect(answer.ok).toBe(false)
      expect(answer.error?.code).toBe('forbidden')
    }
    win.mainFrame.url = 'https://evil.example.org/'
    const navigated = (await handler({ sender: win.webContents, senderFrame: win.mainFrame }, undefined)) as { error?: { code: string } }
    expect(navigated.error?.code).toBe('forbidden')
    expect(calls).toEqual([])
  })

  it('passes the app frame\'s calls to the binding and remembers a link it may open later', async () => {
    const { calls, win, allowList } = setup()
    const answer = await handlers.get(ipcChannel('signOutDevices'))!({ sender: win.webContents, senderFrame: win.mainFrame }, { accountId: 'a' })
    expect(calls).toEqual([['signOutDevices', { accountId: 'a' }]])
    expect(answer).toMatchObject({ ok: false, error: { code: 'unsupported' } })
    expect(allowList.allows('https://account.example.org/devices')).toBe(true)
  })

  it('holds a call that comes before the service is ready and answers it once the service is', async () => {
    let serviceReady: (binding: Binding) => void = () => {}
    const { calls, win, binding } = setup(() => new Promise((resolve) => (serviceReady = resolve)))
    let answered = false
    const answer = handlers.get(ipcChannel('listDevices'))!({ sender: win.webContents, senderFrame: win.mainFrame }, { accountId: 'a' })
    void answer.then(() => (answered = true))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(answered).toBe(false)
    serviceReady(binding)
    expect(await answer).toMatchObject({ ok: false, error: { code: 'unsupported' } })
    expect(calls).toEqual([['listDevices', { accountId: 'a' }]])
  })

  it('answers a plain sentence, not a hang, when the service could not start', async () => {
    const { win } = setup(async () => undefined)
    const answer = await handlers.get(ipcChannel('listAccounts'))!({ sender: win.webContents, senderFrame: win.mainFrame }, undefined)
    expect(answer).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringContaining('could not start') } })
  })
})
