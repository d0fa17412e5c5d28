import { describe, expect, it } from 'vitest'
import { bindContract } from './bind'
import type { ServiceApi } from './contract'
import { ContractError } from './errors'

/** A service whose every method records that it was reached and answers `answer(name)`. */
function recordingService(answer: (name: string, args: unknown) => unknown = () => undefined) {
  const reached: Array<{ name: string; args: unknown }> = []
  const service = new Proxy({} as ServiceApi, {
    get: (_target, name: string) => async (args: unknown) => {
      reached.push({ name, args })
      return answer(name, args)
    },
  })
  return { service, reached }
}

const snapshot = { accounts: [], activeId: null, storage: 'memory' as const }

describe('bindContract', () => {
  it('answers a typed invalid-argument error and never reaches the service for malformed calls', async () => {
    const { service, reached } = recordingService()
    const binding = bindContract(service)
    const hostile: Array<[string, unknown]> = [
      ['addWithPassword', { server: 'example.org', password: 'x' }],
      ['addWithPassword', { server: '', identifier: { kind: 'user', user: 'a' }, password: 'x' }],
      ['signOutDevices', { accountId: 'a', deviceIds: [] }],
      ['signOutDevices', { accountId: 'a', deviceIds: 'DEVICE' }],
      ['relabel', { accountId: 'a', color: 'red; background:url(x)' }],
      ['setActive', null],
      ['setActive', { accountId: { toString: 1 } }],
      ['generateLoginToken', { accountId: 'a', auth: { type: 'magic' } }],
      ['discover', { server: 'x'.repeat(5000) }],
      ['listDevices', ['a']],
    ]
    for (const [name, args] of hostile) {
      const answer = await binding.call(name, args)
      expect(answer.ok, `${name} ${JSON.stringify(args)}`).toBe(false)
      if (!answer.ok) {
        expect(answer.error.code).toBe('invalid-argument')
        expect(answer.error.message).toMatch(new RegExp(`malformed ${name} request`))
      }
    }
    expect(reached).toEqual([])
  })

  it('refuses a call name the contract does not have', async () => {
    const { service, reached } = recordingService()
    const binding = bindContract(service)
    for (const name of ['constructor', '__proto__', 'toString', 'eval', 42, null]) {
      const answer = await binding.call(name, undefined)
      expect(answer).toEqual({ ok: false, error: { code: 'forbidden', message: 'Latchkey has no such call.' } })
    }
    expect(reached).toEqual([])
  })

  it('passes a valid call through and answers its value', async () => {
    const { service, reached } = recordingService(() => snapshot)
    const answer = await bindContract(service).call('setActive', { accountId: 'acc_1' })
    expect(answer).toEqual({ ok: true, value: snapshot })
    expect(reached).toEqual([{ name: 'setActive', args: { accountId: 'acc_1' } }])
  })

  it('turns a ContractError from the service into its data, without a stack', async () => {
    const { service } = recordingService(() => {
      throw new ContractError({ code: 'rate-limited', message: 'Wait a minute.', retryAfterMs: 60_000 })
    })
    const answer = await bindContract(service).call('checkAll', undefined)
    expect(answer).toEqual({
      ok: false,
      error: { code: 'rate-limited', message: 'Wait a minute.', retryAfterMs: 60_000 },
    })
  })

  it('hides an unexpected error behind a plain sentence and reports it to main only', async () => {
    const seen: unknown[] = []
    const { service } = recordingService(() => {
      throw new TypeError('secret internals at /home/x/src/main.ts:12')
    })
    const answer = await bindContract(service, { onInternalError: (e) => seen.push(e) }).call('listAccounts', undefined)
    expect(answer.ok).toBe(false)
    if (!answer.ok) {
      expect(answer.error.code).toBe('internal')
      expect(answer.error.message).not.toMatch(/secret|main\.ts/)
    }
    expect(seen).toHaveLength(1)
  })

  it('strips fields the result schema does not name, so a stray token never leaves main', async () => {
    const leaky = { ...snapshot, accessToken: 'syt_secret' }
    const { service } = recordingService(() => leaky)
    const answer = await bindContract(service).call('listAccounts', undefined)
    expect(JSON.stringify(answer)).not.toContain('syt_secret')
  })

  it('answers internal when the service returns something outside the contract', async () => {
    const { service } = recordingService(() => ({ accounts: 'nope' }))
    const answer = await bindContract(service).call('listAccounts', undefined)
    expect(answer.ok).toBe(false)
  })
})
