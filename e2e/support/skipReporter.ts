/**
 * Says why tests were skipped (the list reporter shows only that they were), so a run without an
 * Electron binary reads "11 skipped: no Electron binary" rather than a silent dash per spec.
 */
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter'

export default class SkipReasons implements Reporter {
  private readonly reasons = new Map<string, string[]>()

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status !== 'skipped') return
    const reason = test.annotations.find((a) => a.type === 'skip')?.description ?? 'skipped (no reason given)'
    const project = test.parent.project()?.name ?? '?'
    const key = `[${project}] ${reason}`
    this.reasons.set(key, [...(this.reasons.get(key) ?? []), test.title])
  }

  onEnd(): void {
    for (const [reason, titles] of this.reasons) {
      console.log(`  ${titles.length} ${titles.length === 1 ? 'spec' : 'specs'} ${reason}`)
    }
  }

  printsToStdio(): boolean {
    return true
  }
}
