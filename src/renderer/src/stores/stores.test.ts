// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ContractError } from '../../../shared/errors'
import { useBridge } from '../api'
import { fakeBridge, makeAccount, makeDevice, makeSnapshot, type FakeBridge, type Handlers } from '../fake-bridge.test-kit'
import { useAccounts } from './accounts'
import { useDevices } from './devices'
import { useLoginToken } from './loginToken'
import { LIFETIME_MS, useNotices } from './notices'
import { usePrompts } from './prompts'

let fake: FakeBridge

function setup(handlers: Handlers = {}): FakeBridge {
  fake = fakeBridge(handlers)
  useBridge(fake.bridge)
  setActivePinia(createPinia())
  return fake
}

/** Answers every prompt as a person would, recording what was asked. */
function answerPrompts(answers: Array<boolean | string | null>): string[] {
  const prompts = usePrompts()
  const asked: string[] = []
  prompts.$subscribe(() => {
    const request = prompts.current
    if (!request) return
    asked.push(`${request.kind}: ${request.title}`)
    const answer = answers.shift()
    queueMicrotask(() => {
      if (request.kind === 'confirm') request.resolve(answer === true)
      else request.resolve(typeof answer === 'string' ? { type: 'password', password: answer } : null)
    })
  })
  return asked
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('the accounts store', () => {
  beforeEach(() => setup())

  it('mirrors what main reports when it says the accounts changed', async () => {
    const accounts = useAccounts()
    const alice = makeAccount({ userId: '@alice:example.org', order: 1 })
    const bob = makeAccount({ userId: '@bob:example.org', order: 0 })
    const snapshot = { ...makeSnapshot([alice, bob], bob.id), storage: 'memory' as const, storageNotice: 'No keychain.' }
    fake.handlers.listAccounts = () => snapshot
    fake.emit('accountsChanged', snapshot)
    await flush()
    expect(accounts.ordered.map((a) => a.userId)).toEqual(['@bob:example.org', '@alice:example.org'])
    expect(accounts.active?.userId).toBe('@bob:example.org')
    expect(accounts.storageNotice).toBe('No keychain.')
  })

  it('shows a new order at once and sends it to main', async () => {
    const accounts = useAccounts()
    const [a, b, c] = [makeAccount({ order: 0 }), makeAccount({ order: 1 }), makeAccount({ order: 2 })]
    fake.handlers.reorder = ({ accountIds }) =>
      makeSnapshot(accountIds.map((id, order) => ({ ...[a, b, c].find((x) => x!.id === id)!, order })))
    fake.handlers.listAccounts = () => makeSnapshot([a!, b!, c!])
    await accounts.load()
    const moving = accounts.move(c!.id, 0)
    expect(accounts.ordered.map((x) => x.id)).toEqual([c!.id, a!.id, b!.id])
    await moving
    expect(fake.callsOf('reorder')).toEqual([{ accountIds: [c!.id, a!.id, b!.id] }])
  })

  it('keeps the previous account active when switching fails, and says why', async () => {
    const accounts = useAccounts()
    const notices = useNotices()
    const [a, b] = [makeAccount(), makeAccount()]
    fake.handlers.setActive = () => {
      throw new ContractError({ code: 'storage', message: 'Latchkey could not save the account list.' })
    }
    fake.handlers.listAccounts = () => makeSnapshot([a!, b!], a!.id)
    await accounts.load()
    await accounts.select(b!.id)
    expect(accounts.activeId).toBe(a!.id)
    expect(notices.items.map((n) => n.message)).toContain('Latchkey could not save the account list.')
  })

  it('fetches each avatar once, through the avatar call', async () => {
    const accounts = useAccounts()
    const a = makeAccount({ avatarUrl: 'mxc://example.org/abc' })
    fake.handlers.avatar = () => 'data:image/png;base64,AAAA'
    fake.handlers.listAccounts = () => makeSnapshot([a])
    fake.emit('accountsChanged', makeSnapshot([a]))
    await flush()
    fake.emit('accountsChanged', makeSnapshot([a]))
    await flush()
    expect(accounts.avatarOf(a.id)).toBe('data:image/png;base64,AAAA')
    expect(fake.callsOf('avatar')).toHaveLength(1)
  })
})

describe('a homeserver the account\'s own server does not vouch for (issue 9 §2)', () => {
  const trust = { userId: '@alice:example.org', serverName: 'example.org', host: 'chat.example.net' }
  const question = () =>
    new ContractError({ code: 'trust-required', message: '@alice:example.org is served by chat.example.net, which example.org does not vouch for.', trust })

  it('asks the person, naming both, and signs in again accepting only that host', async () => {
    const account = makeAccount({ userId: '@alice:example.org', servedBy: 'chat.example.net' })
    setup({
      addWithPassword: (args) => {
        if (args.trustServer !== 'chat.example.net') throw question()
        return account
      },
      setActive: () => makeSnapshot([account], account.id),
    })
    const asked = answerPrompts([true])
    const added = await useAccounts().addWithPassword('https://chat.example.net', { kind: 'user', user: 'alice' }, 'pw')
    expect(asked).toEqual(['confirm: Trust chat.example.net?'])
    expect(fake.callsOf('addWithPassword').map((c) => c.trustServer)).toEqual([undefined, 'chat.example.net'])
    expect(added.servedBy).toBe('chat.example.net')
  })

  it('keeps nothing when the person says no', async () => {
    setup({
      addWithLoginToken: () => {
        throw question()
      },
    })
    answerPrompts([false])
    const error = await useAccounts().addWithLoginToken('latchkey://login?…').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'cancelled' })
    expect(fake.callsOf('addWithLoginToken')).toHaveLength(1)
  })
})

describe('signing devices out', () => {
  beforeEach(() => setup())

  it('confirms, asks for the password once for the whole batch, and drops the devices', async () => {
    const devices = useDevices()
    const account = makeAccount()
    const list = [makeDevice({ current: true }), makeDevice(), makeDevice(), makeDevice()]
    fake.handlers.signOutDevices = ({ deviceIds, auth }) => {
      if (!auth) throw new ContractError({ code: 'auth-required', message: 'Confirm it is you.', authStages: ['m.login.password'] })
      return { signedOut: deviceIds }
    }
    fake.emit('devicesChanged', { accountId: account.id, devices: list })
    const asked = answerPrompts([true, 'correct horse'])
    const ids = [list[1]!.deviceId, list[2]!.deviceId]
    expect(await devices.signOut(account, ids)).toEqual(ids)
    expect(asked).toEqual(['confirm: Sign out 2 devices?', 'auth: Confirm it is you'])
    expect(fake.callsOf('signOutDevices')[1]).toMatchObject({ deviceIds: ids, auth: { type: 'password', password: 'correct horse' } })
    expect(devices.of(account.id)?.map((d) => d.deviceId)).toEqual([list[0]!.deviceId, list[3]!.deviceId])
  })

  it('asks again beside the field when the password is refused', async () => {
    const devices = useDevices()
    const prompts = usePrompts()
    const account = makeAccount()
    fake.handlers.signOutDevices = ({ deviceIds, auth }) => {
      if (!auth) throw new ContractError({ code: 'auth-required', message: 'Confirm.', authStages: ['m.login.password'] })
      if (auth.type === 'password' && auth.password !== 'right') {
        throw new ContractError({ code: 'wrong-credentials', message: 'example.org refused the password.' })
      }
      return { signedOut: deviceIds }
    }
    const errors: Array<string | undefined> = []
    prompts.$subscribe(() => {
      if (prompts.current?.kind === 'auth') errors.push(prompts.current.error)
    })
    answerPrompts([true, 'wrong', 'right'])
    expect(await devices.signOut(account, ['X'])).toEqual(['X'])
    expect(errors).toEqual([undefined, 'example.org refused the password.'])
  })

  it('does nothing when the person cancels the confirmation', async () => {
    const devices = useDevices()
    answerPrompts([false])
    expect(await devices.signOut(makeAccount(), ['X'])).toEqual([])
    expect(fake.callsOf('signOutDevices')).toHaveLength(0)
  })

  it('follows the progress main reports for the sign-out it started, and ignores it once that has answered', async () => {
    const devices = useDevices()
    const account = makeAccount()
    let answer!: () => void
    fake.handlers.signOutDevices = ({ deviceIds }) => new Promise((resolve) => (answer = () => resolve({ signedOut: deviceIds })))
    answerPrompts([true])
    const running = devices.signOut(account, ['X', 'Y', 'Z'])
    await flush()
    const operationId = fake.callsOf('signOutDevices')[0]!.operationId!
    expect(operationId).toBeTruthy()
    fake.emit('progress', { operation: 'signOutDevices', operationId, accountId: account.id, done: 2, total: 3 })
    expect(devices.progress).toMatchObject({ accountId: account.id, done: 2, total: 3 })
    // Another operation's progress (another window's, or an old one) is not this one's.
    fake.emit('progress', { operation: 'signOutDevices', operationId: 'someone-else', accountId: account.id, done: 9, total: 9 })
    expect(devices.progress).toMatchObject({ done: 2 })
    answer()
    await running
    expect(devices.progress).toBeNull()
    // The last event arrives after the answer: the progress stays closed.
    fake.emit('progress', { operation: 'signOutDevices', operationId, accountId: account.id, done: 3, total: 3 })
    expect(devices.progress).toBeNull()
  })
})

describe('login tokens', () => {
  beforeEach(() => setup())

  it('say in one sentence why the server does not offer them', async () => {
    const tokens = useLoginToken()
    fake.handlers.generateLoginToken = () => {
      throw new ContractError({ code: 'unsupported', message: 'example.org does not let sessions make login tokens.' })
    }
    await tokens.generate('acct-1', '@a:example.org')
    expect(tokens.stateOf('acct-1')).toEqual({ kind: 'unsupported', message: 'example.org does not let sessions make login tokens.' })
  })

  it('remember how long the server asked to wait', async () => {
    const tokens = useLoginToken()
    fake.handlers.generateLoginToken = () => {
      throw new ContractError({ code: 'rate-limited', message: 'Too many tokens.', retryAfterMs: 30_000 })
    }
    const before = Date.now()
    await tokens.generate('acct-1', '@a:example.org')
    const state = tokens.stateOf('acct-1')
    expect(state.kind).toBe('rate-limited')
    expect(state.kind === 'rate-limited' && state.retryAt).toBeGreaterThanOrEqual(before + 30_000)
  })

  it('keep a token that still works when the server refuses to make the next one', async () => {
    const tokens = useLoginToken()
    const token = { token: 't0k', expiresAt: Date.now() + 120_000, payload: 'latchkey://login?token=t0k' }
    fake.handlers.generateLoginToken = () => token
    await tokens.generate('acct-1', '@a:example.org')
    fake.handlers.generateLoginToken = () => {
      throw new ContractError({ code: 'rate-limited', message: 'Wait a minute.', retryAfterMs: 60_000 })
    }
    await tokens.generate('acct-1', '@a:example.org')
    const state = tokens.stateOf('acct-1')
    expect(state).toMatchObject({ kind: 'ready', token, refusal: { message: 'Wait a minute.' } })
    expect(state.kind === 'ready' && state.refusal?.retryAt).toBeGreaterThan(Date.now() + 50_000)
  })

  it('hold the token, its payload and expiry after the UIA prompt', async () => {
    const tokens = useLoginToken()
    const token = { token: 't0k', expiresAt: Date.now() + 120_000, payload: 'latchkey://login?token=t0k' }
    fake.handlers.generateLoginToken = ({ auth }) => {
      if (!auth) throw new ContractError({ code: 'auth-required', message: 'Confirm.', authStages: ['m.login.password'] })
      return token
    }
    answerPrompts(['pw'])
    await tokens.generate('acct-1', '@a:example.org')
    expect(tokens.stateOf('acct-1')).toEqual({ kind: 'ready', token })
  })
})

describe('notices', () => {
  beforeEach(() => setup())

  it('show progress while a call runs, and its error as a sentence when it fails', async () => {
    const notices = useNotices()
    let finish!: () => void
    const running = notices.track('Checking…', () => new Promise<void>((_, reject) => (finish = () => reject(new ContractError({ code: 'unreachable', message: 'example.org could not be reached.' })))))
    expect(notices.items.map((n) => [n.level, n.message])).toEqual([['progress', 'Checking…']])
    finish()
    await expect(running).rejects.toThrow('example.org could not be reached.')
    expect(notices.items.map((n) => [n.level, n.message])).toEqual([['error', 'example.org could not be reached.']])
  })

  it('say the same sentence once, however often it comes', () => {
    const notices = useNotices()
    notices.push('error', 'example.org could not be reached.')
    notices.push('error', 'example.org could not be reached.')
    expect(notices.items.map((n) => n.message)).toEqual(['example.org could not be reached.'])
  })

  it('keep only the newest few messages on screen, and every progress', () => {
    const notices = useNotices()
    notices.push('progress', 'Loading devices…')
    for (let i = 1; i <= 6; i++) notices.push('warning', `Warning ${i}.`)
    expect(notices.items.map((n) => n.message)).toEqual(['Loading devices…', 'Warning 3.', 'Warning 4.', 'Warning 5.', 'Warning 6.'])
  })

  it('go by themselves unless they need action, and wait while the person reads them', () => {
    vi.useFakeTimers()
    try {
      const notices = useNotices()
      notices.push('error', 'Could not load the devices.')
      notices.push('warning', 'Sign in again to keep this device.', { action: { label: 'Sign in again', run: () => undefined } })
      notices.pause()
      vi.advanceTimersByTime(LIFETIME_MS.error + 1_000)
      expect(notices.items).toHaveLength(2)
      notices.resume()
      vi.advanceTimersByTime(LIFETIME_MS.error + 1_000)
      expect(notices.items.map((n) => n.message)).toEqual(['Sign in again to keep this device.'])
    } finally {
      vi.useRealTimers()
    }
  })

  it('about an account go when the person switches away from it', async () => {
    const accounts = useAccounts()
    const notices = useNotices()
    const [a, b] = [makeAccount({ order: 0 }), makeAccount({ order: 1 })]
    fake.handlers.listAccounts = () => makeSnapshot([a, b], a.id)
    fake.handlers.setActive = ({ accountId }) => makeSnapshot([a, b], accountId)
    await accounts.load()
    notices.push('error', 'Could not load the devices.', { accountId: a.id })
    notices.push('error', 'The keychain is locked.')
    await accounts.select(b.id)
    expect(notices.items.map((n) => n.message)).toEqual(['The keychain is locked.'])
  })

  it('about an account go when it recovers', async () => {
    const accounts = useAccounts()
    const notices = useNotices()
    const sick = makeAccount({ status: 'unreachable' })
    fake.handlers.listAccounts = () => makeSnapshot([sick], sick.id)
    await accounts.load()
    notices.push('error', 'example.org could not be reached.', { accountId: sick.id })
    fake.handlers.listAccounts = () => makeSnapshot([{ ...sick, status: 'active' }], sick.id)
    fake.emit('accountsChanged', makeSnapshot([{ ...sick, status: 'active' }], sick.id))
    await flush()
    expect(notices.items).toEqual([])
  })

  it('show the notices main sends', () => {
    const notices = useNotices()
    fake.emit('notice', { level: 'warning', message: 'No keychain answered.' })
    expect(notices.items.map((n) => n.message)).toEqual(['No keychain answered.'])
  })
})

describe('signing an account out', () => {
  beforeEach(() => setup())

  it('leaves a sign-out the server did not confirm to the account banner, not a second notice', async () => {
    const accounts = useAccounts()
    const a = makeAccount()
    fake.handlers.listAccounts = () => makeSnapshot([a])
    fake.handlers.logout = () => ({ outcome: 'pending-logout', message: 'example.org failed (HTTP 503); kept as pending logout, use forget.' })
    await accounts.load()
    answerPrompts([true])
    await accounts.logout(a.id)
    expect(useNotices().items).toEqual([])
  })

  it('ends quietly when the call fails: the failure is a notice, not an unhandled rejection', async () => {
    const accounts = useAccounts()
    const a = makeAccount()
    fake.handlers.listAccounts = () => makeSnapshot([a])
    fake.handlers.logout = () => {
      throw new ContractError({ code: 'unreachable', message: 'example.org could not be reached.' })
    }
    fake.handlers.checkAll = () => {
      throw new ContractError({ code: 'unreachable', message: 'example.org could not be reached.' })
    }
    await accounts.load()
    answerPrompts([true])
    await expect(accounts.logout(a.id)).resolves.toBeUndefined()
    await expect(accounts.checkAll()).resolves.toBeUndefined()
    expect(useNotices().items.map((n) => [n.level, n.message])).toEqual([['error', 'example.org could not be reached.']])
  })
})

describe('quick clicks', () => {
  beforeEach(() => setup())

  it('end on the account last chosen, even when an earlier answer arrives late', async () => {
    const accounts = useAccounts()
    const [a, b, c] = [makeAccount({ order: 0 }), makeAccount({ order: 1 }), makeAccount({ order: 2 })]
    let active = a!.id
    let order = [a!.id, b!.id, c!.id]
    const snapshot = () => makeSnapshot(order.map((id, i) => ({ ...[a, b, c].find((x) => x!.id === id)!, order: i })), active)
    fake.handlers.reorder = async ({ accountIds }) => {
      await new Promise((r) => setTimeout(r, 20))
      order = accountIds
      const answer = snapshot()
      // Main also reports the change as an event, which may reach the window late.
      setTimeout(() => fake.emit('accountsChanged', answer), 5)
      return answer
    }
    fake.handlers.setActive = ({ accountId }) => {
      active = accountId
      return snapshot()
    }
    fake.handlers.listAccounts = () => snapshot()
    await accounts.load()
    fake.calls.length = 0
    const moving = accounts.move(c!.id, 0)
    const switching = accounts.select(b!.id)
    expect(accounts.activeId).toBe(b!.id)
    await Promise.all([moving, switching])
    await new Promise((r) => setTimeout(r, 30))
    expect(accounts.activeId).toBe(b!.id)
    expect(accounts.ordered.map((x) => x.id)).toEqual([c!.id, a!.id, b!.id])
    expect(fake.calls.map((call) => call.name).slice(0, 2)).toEqual(['reorder', 'setActive'])
  })
})
