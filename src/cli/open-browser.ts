/**
 * The CLI's openExternal: print the address (the person may be on a machine without a browser,
 * e.g. over SSH) and try the platform's opener. `BROWSER` follows the common convention: a
 * command to run instead, or `none` to only print.
 */
import { spawn } from 'node:child_process'
import type { Writable } from 'node:stream'

export function makeOpenExternal(stderr: Writable, env: NodeJS.ProcessEnv = process.env) {
  return async (url: string): Promise<void> => {
    stderr.write(`Open this address in your browser to continue:\n  ${url}\n`)
    const [command, args] = opener(env)
    if (command === undefined) return
    try {
      const child = spawn(command, [...args, url], { stdio: 'ignore', detached: true })
      child.on('error', () => {})
      child.unref()
    } catch {
      // No opener on this machine: the printed address is enough.
    }
  }
}

function opener(env: NodeJS.ProcessEnv): [string | undefined, string[]] {
  const browser = env.BROWSER?.trim()
  if (browser === 'none') return [undefined, []]
  if (browser) return [browser, []]
  switch (process.platform) {
    case 'darwin':
      return ['open', []]
    case 'win32':
      return ['cmd', ['/c', 'start', '""']]
    default:
      return ['xdg-open', []]
  }
}
