import { PassThrough, Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { CliError } from './cli-error'
import { promptSecret, readSecretFromStdin, type TtyInput } from './prompt'

function fakeTty(): TtyInput & PassThrough & { rawModes: boolean[] } {
  const stream = new PassThrough() as PassThrough & TtyInput & { rawModes: boolean[] }
  stream.isTTY = true
  stream.rawModes = []
  stream.setRawMode = (mode: boolean) => stream.rawModes.push(mode)
  return stream
}

describe('reading a password', () => {
  it('takes standard input whole, dropping only the final line break', async () => {
    expect(await readSecretFromStdin(Readable.from(['pa ss\n', 'word\r\n']))).toBe('pa ss\nword')
  })

  it('refuses empty standard input with a sentence', async () => {
    await expect(readSecretFromStdin(Readable.from(['\n']))).rejects.toThrow('Standard input held no password.')
  })

  it('reads from the terminal with echo off, honouring backspace, and restores the terminal', async () => {
    const tty = fakeTty()
    const err = new PassThrough()
    let shown = ''
    err.on('data', (c: Buffer) => (shown += c.toString()))
    const answer = promptSecret('Password: ', tty, err)
    tty.write('hunter3\u007f2\r')
    expect(await answer).toBe('hunter2')
    expect(tty.rawModes).toEqual([true, false])
    expect(shown).not.toContain('hunter')
  })

  it('cancels on Ctrl+C', async () => {
    const tty = fakeTty()
    const answer = promptSecret('Password: ', tty, new PassThrough())
    tty.write('abc\u0003')
    await expect(answer).rejects.toBeInstanceOf(CliError)
  })

  it('refuses to prompt without a terminal and points to --password-stdin', async () => {
    await expect(promptSecret('Password: ', Readable.from([]), new PassThrough())).rejects.toThrow(/--password-stdin/)
  })
})
