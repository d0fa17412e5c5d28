/**
 * What `latchkey check` starts before anything else loads (issue 13 §2): each server's
 * connections, opened from accounts.json as it is, before the list is checked, so that their
 * handshakes overlap the program's and the service's start. The entry (./latchkey.ts) takes this
 * look for `check` before it loads the program (`prepareCheck`); the command then takes it over
 * (`checkEarly`), or looks itself when it runs without that entry (tests run the program in process).
 *
 * The file is read here only to open connections and to know which secrets to read ahead: a
 * connection sends nothing, a secret read ahead stays in this process, and nothing is asked of a
 * server, nor used, that the checked list does not name. No more connections are opened than the
 * check itself sends at once, however many accounts the file names.
 */
import { readFileSync } from 'node:fs'
import { accountsFilePath, dataDir } from '../main/accounts/paths'
import { connectionsFor, openSpares } from '../main/matrix/spare-connections'
import { DEFAULT_TUNING } from '../main/service/types'

export interface EarlyLook {
  /** Each account's session as the file names it, for the keychain's read-ahead. */
  sessions: Array<{ userId: string; deviceId: string }>
}

/** At most this many sessions are read ahead from the keychain; any others are read when asked for. */
const MAX_READ_AHEAD = 512

// The look the entry took, until the command takes it over (once: a later run looks again).
let prepared: { file: string; look: EarlyLook } | undefined

/** For the entry: opens the connections now, before the program loads. */
export function prepareCheck(env: NodeJS.ProcessEnv): void {
  const file = accountsFilePath(dataDir(env))
  prepared = { file, look: look(file) }
}

/** For the command: the entry's look when it took one for the same file, else a look now. */
export function checkEarly(env: NodeJS.ProcessEnv): EarlyLook {
  const file = accountsFilePath(dataDir(env))
  const ready = prepared?.file === file ? prepared.look : undefined
  prepared = undefined
  return ready ?? look(file)
}

/** Opens each server's connections (within the check's bounds) and answers the sessions to read ahead. */
function look(file: string): EarlyLook {
  const servers = new Map<string, number>()
  const sessions: EarlyLook['sessions'] = []
  try {
    // Synchronous: a few hundred kilobytes at most, and the connections must be asked for before
    // the modules that load next hold this thread.
    const list = JSON.parse(readFileSync(file, 'utf8')) as { accounts?: unknown }
    for (const a of Array.isArray(list.accounts) ? (list.accounts as Array<Record<string, unknown> | null>) : []) {
      const { homeserverUrl, userId, deviceId } = a ?? {}
      if (typeof userId === 'string' && typeof deviceId === 'string' && sessions.length < MAX_READ_AHEAD) sessions.push({ userId, deviceId })
      if (typeof homeserverUrl !== 'string') continue
      if (!servers.has(homeserverUrl) && servers.size >= DEFAULT_TUNING.checksInFlight) continue
      servers.set(homeserverUrl, (servers.get(homeserverUrl) ?? 0) + 1)
    }
  } catch {
    // No file or no JSON: the checked list says so, with its own words.
  }
  for (const [url, count] of connectionsFor(servers, { perServer: DEFAULT_TUNING.checksPerHost, total: DEFAULT_TUNING.checksInFlight })) openSpares(url, count)
  return { sessions }
}
