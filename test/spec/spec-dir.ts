import { existsSync } from 'node:fs'
import path from 'node:path'

/** The environment variable that points the conformance checks at a checkout of matrix-org/matrix-spec. */
export const SPEC_DIR_VARIABLE = 'MATRIX_SPEC_DIR'

// What a checkout must have for the checks to mean anything.
const REQUIRED = [path.join('data', 'api', 'client-server', 'login.yaml'), path.join('data', 'schemas')]

/**
 * The spec folder, or undefined when MATRIX_SPEC_DIR is unset (the checks are then skipped).
 * Set but not a spec checkout is an error: a CI run that was meant to check must not pass quietly.
 */
export function specDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[SPEC_DIR_VARIABLE]
  if (value === undefined || value.trim() === '') return undefined
  const dir = path.resolve(value)
  const missing = REQUIRED.filter((part) => !existsSync(path.join(dir, part)))
  if (missing.length > 0) {
    throw new Error(`${SPEC_DIR_VARIABLE} is set to ${dir}, but that is not a checkout of the Matrix spec (missing ${missing.join(' and ')}); point it at one, or unset it to skip the spec checks.`)
  }
  return dir
}

export const SKIPPED_LINE = `Matrix spec conformance checks skipped: set ${SPEC_DIR_VARIABLE} to a checkout of matrix-org/matrix-spec to run them.`
