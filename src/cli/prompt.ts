/**
 * Reading secrets and confirmations from the person at the terminal. A password is read from the
 * TTY with echo off, or from standard input with `--password-stdin` — never from argv, where any
 * other user of the machine could read it in the process list.
 */
import type { Readable, Writable } from 'node:stream'
import { CliError } from './cli-error'

export interface TtyInput extends Readable {
  isTTY?: boolean
  setRawMode?: (mode: boolean) => unknown
}

const MAX_SECRET = 1024

/** Reads the whole of standard input as one secret; only the final line break is dropped. */
export async function readSecretFromStdin(stdin: Readable, what = 'password'): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    size += buf.length
    if (size > MAX_SECRET * 4) throw new CliError('usage', `The ${what} on standard input is too long.`)
    chunks.push(buf)
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
  if (text === '') throw new CliError('usage', `Standard input held no ${what}.`)
  if (text.length > MAX_SECRET) throw new CliError('usage', `The ${what} on standard input is too long.`)
  return text
}

/** Asks on the terminal with echo off. Ctrl+C or Ctrl+D cancels. `what` names the secret in sentences. */
export function promptSecret(question: string, stdin: TtyInput, stderr: Writable, what = 'password'): Promise<string> {
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') {
    return Promise.reject(
      new CliError('usage', 'There is no terminal to ask for the password on; pipe it in with --password-stdin.'),
    )
  }
  const setRaw = stdin.setRawMode.bind(stdin)
  return new Promise((resolve, reject) => {
    let value = ''
    stderr.write(question)
    setRaw(true)
    stdin.resume()
    stdin.setEncoding('utf8')
    const finish = (error?: Error): void => {
      stdin.off('data', onData)
      setRaw(false)
      stdin.pause()
      stderr.write('\n')
      if (error) reject(error)
      else resolve(value)
    }
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          if (value === '') return finish(new CliError('cancelled', `No ${what} was given.`))
          return finish()
        }
        if (ch === '\u0003' || ch === '\u0004') return finish(new CliError('cancelled', 'Cancelled.'))
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else if (ch >= ' ' && value.length < MAX_SECRET) value += ch
      }
    }
    stdin.on('data', onData)
  })
}

/** A yes/no question on the terminal; without a terminal the caller must pass --yes. */
export function confirm(question: string, stdin: TtyInput, stderr: Writable): Promise<boolean> {
  if (!stdin.isTTY) {
    return Promise.reject(new CliError('usage', 'There is no terminal to confirm on; add --yes to go ahead.'))
  }
  return new Promise((resolve) => {
    stderr.write(`${question} [y/N] `)
    stdin.resume()
    stdin.setEncoding('utf8')
    stdin.once('data', (chunk: string) => {
      stdin.pause()
      resolve(/^\s*y(es)?\s*$/i.test(chunk))
    })
  })
}
