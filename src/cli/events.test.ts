import { describe, expect, it } from 'vitest'
import { cliEventCheck } from './events'

describe('the events the command line takes', () => {
  it('keeps a notice’s named fields only, so a token put beside them by mistake never reaches the terminal', () => {
    const checked = cliEventCheck('notice', { level: 'warning', message: 'The keychain is locked.', detail: 'D-Bus said no', accessToken: 'syt_secret' })
    expect(checked).toStrictEqual({ level: 'warning', message: 'The keychain is locked.', detail: 'D-Bus said no' })
  })

  it('keeps the progress numbers and drops the rest', () => {
    const checked = cliEventCheck('progress', { operation: 'signOutDevices', done: 3, total: 9, accountId: 'acc_1', token: 'syt_secret' })
    expect(checked).toStrictEqual({ operation: 'signOutDevices', done: 3, total: 9 })
  })

  it.each([
    ['a notice of an unknown level', 'notice', { level: 'shout', message: 'x' }],
    ['a notice without words', 'notice', { level: 'info' }],
    ['progress without numbers', 'progress', { operation: 'checkAll', done: '1', total: 2 }],
    ['progress of an unknown operation', 'progress', { operation: 'format', done: 1, total: 2 }],
    ['no payload at all', 'notice', null],
    ['an event the command line does not print', 'accountsChanged', { accounts: [], activeId: null }],
  ] as const)('drops %s', (_what, event, payload) => {
    expect(cliEventCheck(event, payload)).toBeNull()
  })
})
