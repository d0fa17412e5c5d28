// Text a server chose reaches sentences, statuses and terminals bounded and without control
// characters, however long or strange it is (issue 9 §5).
import { afterEach, describe, expect, it } from 'vitest'
import { startHarness, type Harness } from '../../../test/service/harness'

let h: Harness
afterEach(async () => h?.close())

const HUGE = `${'the database is on fire '.repeat(4000)}\u001b[2J\u001b]0;owned\u0007`

describe('a server error text of any length', () => {
  it('never makes the account list unwritable: check records every account, with a bounded sentence', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    const second = await h.addAlice()
    h.hs.setFault('devices', { kind: 'error-body', status: 503, errcode: 'M_UNKNOWN', error: HUGE })

    const snapshot = await h.service.checkAll(undefined)
    for (const id of [alice.id, second.id]) {
      const account = snapshot.accounts.find((a) => a.id === id)
      expect(account?.status).toBe('unreachable')
      expect(account?.statusMessage?.length).toBeLessThanOrEqual(1000)
      expect(account?.statusMessage).toContain('the database is on fire')
      // eslint-disable-next-line no-control-regex
      expect(account?.statusMessage).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
    }
    const file = JSON.parse((await h.state()).file ?? '{}') as { accounts: { status: string }[] }
    expect(file.accounts.map((a) => a.status)).toEqual(['unreachable', 'unreachable'])
  })

  it('never blocks a logout: the account is kept as pending logout with a bounded sentence', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    h.hs.setFault('logout', { kind: 'error-body', status: 503, errcode: 'M_UNKNOWN', error: HUGE, statusText: 'X'.repeat(5000) })

    const result = await h.service.logout({ accountId: alice.id })
    expect(result.outcome).toBe('pending-logout')
    expect(result.message.length).toBeLessThanOrEqual(1000)
    const [kept] = (await h.service.listAccounts(undefined)).accounts
    expect(kept).toMatchObject({ id: alice.id, status: 'pending-logout' })
  })

  it('keeps a hostile errcode short and printable too', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    h.hs.setFault('devices', { kind: 'error-body', status: 400, errcode: `M_${'X'.repeat(5000)}\u001b[31m`, error: 'no' })
    const error = await h.service.listDevices({ accountId: alice.id }).catch((e: unknown) => e as Error)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message.length).toBeLessThan(1000)
    expect((error as Error).message).not.toContain('\u001b')
  })
})
