import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { specDir } from './spec-dir'

const made: string[] = []
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function folder(withSpec: boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'spec-dir-'))
  made.push(dir)
  if (withSpec) {
    mkdirSync(path.join(dir, 'data', 'api', 'client-server'), { recursive: true })
    mkdirSync(path.join(dir, 'data', 'schemas'), { recursive: true })
    writeFileSync(path.join(dir, 'data', 'api', 'client-server', 'login.yaml'), 'openapi: 3.1.0\n')
  }
  return dir
}

describe('where the Matrix spec is read from', () => {
  it('skips the checks when MATRIX_SPEC_DIR is not set (a fresh clone with nothing beside it)', () => {
    expect(specDir({})).toBeUndefined()
    expect(specDir({ MATRIX_SPEC_DIR: '  ' })).toBeUndefined()
  })

  it('uses a folder that holds the Client-Server API and the schemas', () => {
    const dir = folder(true)
    expect(specDir({ MATRIX_SPEC_DIR: dir })).toBe(dir)
  })

  it('fails, naming the folder, when the setting points at something that is not the spec', () => {
    const dir = folder(false)
    expect(() => specDir({ MATRIX_SPEC_DIR: dir })).toThrow(`MATRIX_SPEC_DIR is set to ${dir}, but that is not a checkout of the Matrix spec`)
    expect(() => specDir({ MATRIX_SPEC_DIR: path.join(dir, 'nowhere') })).toThrow(/missing/)
  })
})
