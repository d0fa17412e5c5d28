import { SKIPPED_LINE, specDir } from './spec-dir'

/** Vitest global setup: fails the run when MATRIX_SPEC_DIR is wrong, and says in one line when the spec checks are skipped. */
export default function setup(): void {
  if (specDir() === undefined) console.log(SKIPPED_LINE)
}
