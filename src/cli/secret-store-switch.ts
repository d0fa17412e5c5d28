/**
 * `LATCHKEY_SECRET_STORE=memory` is a switch for tests only: tokens live in this process's memory
 * and are gone when the command ends, so the next command finds the account signed out. It is
 * never the default, it accepts no other value, and every command run with it says so on stderr,
 * so it cannot be mistaken for normal use.
 */
import { CliError } from './cli-error'

export const SECRET_STORE_SWITCH = 'LATCHKEY_SECRET_STORE'

export const MEMORY_SWITCH_WARNING = `${SECRET_STORE_SWITCH}=memory: tokens are kept in memory only and are lost when this command ends (a switch for tests).`

/** True when the test switch asks for memory; any other value is a usage error. */
export function memorySwitchOn(env: NodeJS.ProcessEnv): boolean {
  const mode = env[SECRET_STORE_SWITCH]
  if (mode === undefined || mode === '') return false
  if (mode !== 'memory') {
    throw new CliError('usage', `${SECRET_STORE_SWITCH} accepts only "memory" (a test switch); unset it to use the keychain.`)
  }
  return true
}
