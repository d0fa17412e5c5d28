import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

/** electron-builder cannot run here (it downloads Electron), so its configuration is checked on paper. */
const config = parse(readFileSync('electron-builder.yml', 'utf8'))
const pkg = JSON.parse(readFileSync('package.json', 'utf8'))

describe('the packaging configuration', () => {
  it('builds AppImage, deb, dmg and nsis with the app id, name and an icon that exists', () => {
    expect(config.appId).toBe('org.latchkey.desktop')
    expect(config.productName).toBe(pkg.productName)
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.win.target).toEqual(['nsis'])
    for (const platform of ['linux', 'mac', 'win']) expect(existsSync(config[platform].icon)).toBe(true)
  })

  it('sets the release fuses: no run-as-node, no NODE_OPTIONS or inspect, asar only and checked', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      enableCookieEncryption: true,
    })
  })

  it('packages what the build produces, starting from package.json main', () => {
    expect(config.files).toContain('out/**')
    expect(pkg.main).toBe('out/main/index.js')
  })
})
