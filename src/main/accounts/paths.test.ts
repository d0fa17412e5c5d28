import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { accountsFilePath, dataDir, electronUserDataDir } from './paths'

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('dataDir', () => {
  it('uses LATCHKEY_HOME when it is set, resolved to an absolute path', () => {
    expect(dataDir({ LATCHKEY_HOME: '/srv/latchkey' })).toBe(path.resolve('/srv/latchkey'))
    expect(dataDir({ LATCHKEY_HOME: 'rel/home' })).toBe(path.resolve('rel/home'))
  })

  it('ignores an empty LATCHKEY_HOME', () => {
    expect(dataDir({ LATCHKEY_HOME: '  ' })).toBe(electronUserDataDir())
  })

  // env-paths asks process.platform at each call, so every platform's rule runs on any machine.
  it('follows Electron on Linux: $XDG_CONFIG_HOME/Latchkey, else ~/.config/Latchkey', () => {
    onPlatform('linux', () => {
      vi.stubEnv('XDG_CONFIG_HOME', '/tmp/xdg-config')
      expect(dataDir({})).toBe(path.join('/tmp/xdg-config', 'Latchkey'))
      vi.stubEnv('XDG_CONFIG_HOME', '')
      expect(dataDir({})).toBe(path.join(os.homedir(), '.config', 'Latchkey'))
    })
  })

  it('follows Electron on macOS: ~/Library/Application Support/Latchkey', () => {
    onPlatform('darwin', () => {
      expect(dataDir({})).toBe(path.join(os.homedir(), 'Library', 'Application Support', 'Latchkey'))
    })
  })

  it('follows Electron on Windows: %APPDATA%\\Latchkey, not the Config folder env-paths adds', () => {
    onPlatform('win32', () => {
      vi.stubEnv('APPDATA', 'C:\\Users\\a\\AppData\\Roaming')
      // path.join, so that the separator is this machine's; the folder is what is checked.
      expect(dataDir({})).toBe(path.join('C:\\Users\\a\\AppData\\Roaming', 'Latchkey'))
    })
  })
})

/** Runs `check` as if on `platform`, then puts the real one back. */
function onPlatform(platform: NodeJS.Platform, check: () => void): void {
  const real = Object.getOwnPropertyDescriptor(process, 'platform')!
  Object.defineProperty(process, 'platform', { ...real, value: platform })
  try {
    check()
  } finally {
    Object.defineProperty(process, 'platform', real)
  }
}

describe('accountsFilePath', () => {
  it('names accounts.json inside the data folder', () => {
    expect(accountsFilePath('/d')).toBe(path.join('/d', 'accounts.json'))
  })
})
