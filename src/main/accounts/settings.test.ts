import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, SettingsFile } from './settings'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'latchkey-settings-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('settings.json', () => {
  it('answers the defaults when there is no file yet, without writing one', async () => {
    const settings = new SettingsFile(dir)
    expect(await settings.read()).toEqual({ version: 1, theme: 'system', publishClientInformation: true, newDeviceCheckMinutes: 15 })
    expect(await readdir(dir)).toEqual([])
  })

  it('changes only what a partial change names, and keeps it for the next reader', async () => {
    await new SettingsFile(dir).update({ theme: 'dark' })
    await new SettingsFile(dir).update({ newDeviceCheckMinutes: 60 })
    expect(await new SettingsFile(dir).read()).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark', newDeviceCheckMinutes: 60 })
    expect(JSON.parse(await readFile(path.join(dir, 'settings.json'), 'utf8')).version).toBe(1)
  })

  it('applies changes made at once one after the other, none lost', async () => {
    const settings = new SettingsFile(dir)
    await Promise.all([settings.update({ theme: 'light' }), settings.update({ publishClientInformation: false }), settings.update({ newDeviceCheckMinutes: 5 })])
    expect(await settings.read()).toEqual({ version: 1, theme: 'light', publishClientInformation: false, newDeviceCheckMinutes: 5 })
  })

  it('keeps the valid fields of a file with a bad one, and defaults the bad one', async () => {
    await writeFile(path.join(dir, 'settings.json'), JSON.stringify({ version: 1, theme: 'purple', publishClientInformation: false, newDeviceCheckMinutes: -3 }))
    expect(await new SettingsFile(dir).read()).toEqual({ ...DEFAULT_SETTINGS, publishClientInformation: false })
  })

  it('moves a file that is not JSON aside and says where, rather than replace it silently', async () => {
    await writeFile(path.join(dir, 'settings.json'), '{ theme: dark')
    const settings = new SettingsFile(dir)
    expect(await settings.read()).toEqual(DEFAULT_SETTINGS)
    expect(settings.lastCorruption).toMatch(/settings\.json\.corrupt-/)
    expect((await readdir(dir)).filter((f) => f.startsWith('settings.json.corrupt-'))).toHaveLength(1)
  })

  it('leaves no temporary file behind after a write', async () => {
    await new SettingsFile(dir).update({ theme: 'dark' })
    expect(await readdir(dir)).toEqual(['settings.json'])
  })
})
