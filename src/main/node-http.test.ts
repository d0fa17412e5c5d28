import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SERVICE = fileURLToPath(new URL('./service/index.ts', import.meta.url))

describe('node:http, taken rather than imported (node-http.ts)', () => {
  it('leaves undici unloaded when the service loads: an ES import of node:http anywhere would load it on Node 22', () => {
    const loaded = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', `await import(${JSON.stringify(SERVICE)}); process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('undici'))))`],
      { encoding: 'utf8' },
    )
    expect(JSON.parse(loaded)).toEqual([])
  })
})
