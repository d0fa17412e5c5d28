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

  it.runIf(process.platform === 'linux')(
    'follows Electron on Linux: $XDG_CONFIG_HOME/Latchkey, else ~/.config/Latchkey',
    () => {
      vi.stubEnv('XDG_CONFIG_HOME', '/tmp/xdg-config')
      expect(dataDir({})).toBe('/tmp/xdg-config/Latchkey')
      vi.stubEnv('XDG_CONFIG_HOME', '')
      expect(dataDir({})).toBe(path.join(os.homedir(), '.config', 'Latchkey'))
    },
  )

  it.runIf(process.platform === 'darwin')(
    'follows Electron on macOS: ~/Library/Application Support/Latchkey',
    () => {
      expect(dataDir({})).toBe(path.join(os.homedir(), 'Library', 'Application Support', 'Latchkey'))
    },
  )

  it.runIf(process.platform === 'win32')('follows Electron on Windows: %APPDATA%\\Latchkey', () => {
    vi.stubEnv('APPDATA', 'C:\\Users\\a\\AppData\\Roaming')
    expect(dataDir({})).toBe('C:\\Users\\a\\AppData\\Roaming\\Latchkey')
  })
})

describe('accountsFilePath', () => {
  it('names accounts.json inside the data folder', () => {
    expect(accountsFilePath('/d')).toBe(path.join('/d', 'accounts.json'))
  })
})
