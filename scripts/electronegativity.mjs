#!/usr/bin/env node
// Runs @doyensec/electronegativity over src/ and fails on any finding that has no written reason
// in security/electronegativity-reasons.json. The tool itself exits 0 even on HIGH findings, so
// its SARIF output is read here instead.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const root = new URL('..', import.meta.url).pathname
const tool = require.resolve('@doyensec/electronegativity/dist/index.js')
const electronVersion = require('electron/package.json').version
const out = mkdtempSync(join(tmpdir(), 'latchkey-electronegativity-'))
const sarifPath = join(out, 'results.sarif')

try {
  const run = spawnSync(
    process.execPath,
    ['-r', join(root, 'scripts/electronegativity-commander.cjs'), tool, '-i', join(root, 'src'), '-r', '-e', electronVersion, '-o', sarifPath],
    { cwd: root, encoding: 'utf8' },
  )
  let sarif
  try {
    sarif = JSON.parse(readFileSync(sarifPath, 'utf8'))
  } catch {
    console.error('electronegativity did not write its report:')
    console.error((run.stderr || run.stdout || '').trim().split('\n').slice(-10).join('\n'))
    process.exit(1)
  }
  const { reasons } = JSON.parse(readFileSync(join(root, 'security/electronegativity-reasons.json'), 'utf8'))
  const findings = sarif.runs.flatMap((r) => r.results ?? []).map((result) => {
    const location = result.locations?.[0]?.physicalLocation
    return {
      rule: result.ruleId,
      level: result.level,
      file: location?.artifactLocation?.uri ?? '?',
      line: location?.region?.startLine ?? 0,
      text: result.message?.text ?? '',
    }
  })
  const unexplained = findings.filter((f) => !reasons.some((r) => r.rule === f.rule && r.file === f.file))
  console.log(`electronegativity: ${findings.length} findings, ${findings.length - unexplained.length} with a written reason.`)
  if (unexplained.length > 0) {
    console.error('Findings without a reason in security/electronegativity-reasons.json:')
    for (const f of unexplained) console.error(`  ${f.rule} (${f.level}) src/${f.file}:${f.line} — ${f.text}`)
    process.exit(1)
  }
} finally {
  rmSync(out, { recursive: true, force: true })
}
