import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

describe('npm run homeserver', () => {
  it('prints its URL and users without passwords, serves them, and stops on Ctrl+C', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/homeserver/cli.ts', '--port', '0', '--user', 'alice:wonderland', '--user', 'carol'], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      await expect.poll(() => output, { timeout: 15_000 }).toContain('Press Ctrl+C to stop.')
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!
      expect(output).toContain('Test homeserver "localhost"')
      expect(output).toContain('@alice:localhost (password)')
      expect(output).toContain('@carol:localhost (SSO only)')
      expect(output).not.toContain('wonderland')
      const login = await fetch(`${url}/_matrix/client/v3/login`, {
        method: 'POST',
        body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'wonderland' }),
      })
      expect((await login.json()).user_id).toBe('@alice:localhost')
      child.kill('SIGINT')
      expect(await exited).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})

describe('npm run homeserver -- --oauth', () => {
  it('starts the OAuth 2.0 issuer beside the homeserver and announces it in auth_metadata', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/homeserver/cli.ts', '--port', '0', '--oauth', '--user', 'alice:wonderland'], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      await expect.poll(() => output, { timeout: 15_000 }).toContain('Press Ctrl+C to stop.')
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!
      const issuer = /OAuth 2\.0 issuer at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)![1]!
      const metadata = (await (await fetch(`${url}/_matrix/client/v1/auth_metadata`)).json()) as Record<string, unknown>
      expect(metadata['issuer']).toBe(issuer)
      child.kill('SIGINT')
      expect(await exited).toBe(0)
    } finally {
      child.kill('SIGKILL')
    }
  })
})
