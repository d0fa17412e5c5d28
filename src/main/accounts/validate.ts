/**
 * The hand-written validator for accounts.json (the layout is in `schema.ts`).
 *
 * Hand-written, not zod, because every command of the CLI reads this file and zod's import alone
 * costs more than the rest of `latchkey accounts` (issue 13). It also does what a schema library
 * would not do for us: it judges each account on its own, so one bad field (a hand-edited label
 * one character too long) sets aside that account only, never the whole list (issue 9 §5).
 *
 * Nothing from the input is kept by reference: every value is rebuilt from the keys named here
 * (unknown keys are dropped), so a `__proto__` or `constructor` key in the file can neither reach
 * an object's prototype nor survive into the list. The keys of a map (device ids, issuers, base
 * URLs) are data a server chose: any of them, `__proto__` included, is kept as an ordinary own key
 * (defined, never assigned), so a hostile server can neither pollute a prototype nor make the list
 * unwritable by choosing one. Every string has a length bound, checked before
 * any pattern, so a hand-edited (or hostile) file of huge strings costs one comparison per field.
 */
import {
  ACCOUNT_ID_PATTERN,
  ACCOUNT_STATUSES,
  AUTH_APIS,
  CURRENT_VERSION,
  SERVER_TRUSTS,
  SIGN_IN_METHODS,
  type AccountRecord,
  type OAuthClientRecord,
  type RegistrySnapshot,
  type ServerVersionsRecord,
} from './schema'

export type IssuePath = (string | number)[]

/** One problem and where it is: `accounts.0.label`, "is longer than 64 characters". */
export interface Issue {
  path: IssuePath
  message: string
}

/** An account the file holds but this build cannot use as it is: kept aside, never dropped silently. */
export interface RejectedAccount {
  /** Its position in the file's list. */
  index: number
  /** How a person knows it: its user id when that is readable, else its id, else "account 3". */
  name: string
  /** Exactly what the file held. */
  value: unknown
  issues: Issue[]
}

/** A bad entry of one of the file's maps (an OAuth client, a server's versions). */
export interface DroppedEntry {
  map: 'oauthClients' | 'servers'
  key: string
  value: unknown
  issues: Issue[]
}

export type SnapshotCheck =
  /** The file is not an account list at all (not an object, no list of accounts): nothing to recover. */
  | { ok: false; issues: Issue[] }
  /**
   * The usable part of the file. `issues` lists every problem found; when it is empty the file
   * was valid as it is. Otherwise `rejected` and `dropped` hold what was left out, and a dangling
   * active id was replaced by the first account's.
   */
  | { ok: true; snapshot: RegistrySnapshot; issues: Issue[]; rejected: RejectedAccount[]; dropped: DroppedEntry[] }

// -----------------------------------------------------------------------------------------------
// Building blocks: each takes the value and where it is (its parent's path and its own key: the
// path itself is made only when a problem is recorded, or for a container's children), records
// problems in `issues`, and answers the cleaned value or BAD.

const BAD: unique symbol = Symbol('bad')
type Bad = typeof BAD
type Check<T> = (value: unknown, parent: IssuePath, key: string | number, issues: Issue[]) => T | Bad

function fail(issues: Issue[], parent: IssuePath, key: string | number, message: string): Bad {
  issues.push({ path: [...parent, key], message })
  return BAD
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function hasOwn(object: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key)
}

/** Sets `key` as an own property whatever its name (`out[key] = value` with `__proto__` would set the prototype). */
function define<T>(out: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
}

interface TextRule {
  min?: number
  max: number
  pattern?: RegExp
  /** What to say when the pattern does not match. */
  patternMessage?: string
}

function text(rule: TextRule): Check<string> {
  const min = rule.min ?? 0
  return (value, parent, key, issues) => {
    if (typeof value !== 'string') return fail(issues, parent, key, 'is not text')
    if (value.length > rule.max) return fail(issues, parent, key, `is longer than ${rule.max} characters`)
    if (value.length < min) return fail(issues, parent, key, min === 1 ? 'is empty' : `is shorter than ${min} characters`)
    if (rule.pattern && !rule.pattern.test(value)) return fail(issues, parent, key, rule.patternMessage ?? 'is not in the expected form')
    return value
  }
}

function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (value, parent, key, issues) =>
    typeof value === 'string' && (values as readonly string[]).includes(value)
      ? (value as T)
      : fail(issues, parent, key, `is not one of ${values.join(', ')}`)
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/

const isoTime: Check<string> = (value, parent, key, issues) => {
  if (typeof value !== 'string' || value.length > 40 || !ISO_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    return fail(issues, parent, key, 'is not a date and time (ISO 8601)')
  }
  return value
}

function webAddress(max: number): Check<string> {
  return (value, parent, key, issues) => {
    if (typeof value !== 'string') return fail(issues, parent, key, 'is not text')
    if (value.length > max) return fail(issues, parent, key, `is longer than ${max} characters`)
    let protocol: string
    try {
      protocol = new URL(value).protocol
    } catch {
      return fail(issues, parent, key, 'is not a web address')
    }
    return protocol === 'https:' || protocol === 'http:' ? value : fail(issues, parent, key, 'is not an http or https address')
  }
}

const wholeNumber: Check<number> = (value, parent, key, issues) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : fail(issues, parent, key, 'is not a whole number of 0 or more')

const bool: Check<boolean> = (value, parent, key, issues) => (typeof value === 'boolean' ? value : fail(issues, parent, key, 'is not true or false'))

const onlyTrue: Check<true> = (value, parent, key, issues) => (value === true ? true : fail(issues, parent, key, 'is not true'))

function list<T>(item: Check<T>, max: number): Check<T[]> {
  return (value, parent, key, issues) => {
    if (!Array.isArray(value)) return fail(issues, parent, key, 'is not a list')
    if (value.length > max) return fail(issues, parent, key, `has more than ${max} entries`)
    const path = [...parent, key]
    const out: T[] = []
    let bad = false
    value.forEach((entry, index) => {
      const checked = item(entry, path, index, issues)
      if (checked === BAD) bad = true
      else out.push(checked)
    })
    return bad ? BAD : out
  }
}

type Shape = Record<string, { check: Check<unknown>; optional?: boolean }>
type Cleaned<S extends Shape> = { [K in keyof S]: S[K]['check'] extends Check<infer T> ? T : never }

/** An object with the named keys only, in the order named; every problem of every key is recorded. */
function object<S extends Shape>(shape: S): Check<Cleaned<S>> {
  const fields = Object.entries(shape)
  return (value, parent, key, issues) => {
    if (!isPlainObject(value)) return fail(issues, parent, key, 'is not an object')
    const path = [...parent, key]
    const out: Record<string, unknown> = {}
    let bad = false
    for (const [field, { check, optional }] of fields) {
      if (!hasOwn(value, field) || value[field] === undefined) {
        if (!optional) {
          fail(issues, path, field, 'is missing')
          bad = true
        }
        continue
      }
      const checked = check(value[field], path, field, issues)
      if (checked === BAD) bad = true
      else out[field] = checked
    }
    return bad ? BAD : (out as Cleaned<S>)
  }
}

/** A map from text keys (1 to `keyMax` characters) to checked values. */
function record<T>(keyMax: number, entry: Check<T>, maxEntries: number): Check<Record<string, T>> {
  return (value, parent, key, issues) => {
    if (!isPlainObject(value)) return fail(issues, parent, key, 'is not an object')
    const keys = Object.keys(value)
    if (keys.length > maxEntries) return fail(issues, parent, key, `has more than ${maxEntries} entries`)
    const path = [...parent, key]
    const out: Record<string, T> = {}
    let bad = false
    for (const name of keys) {
      if (name.length === 0 || name.length > keyMax) {
        fail(issues, path, name.slice(0, 64), `is not allowed as a key`)
        bad = true
        continue
      }
      const checked = entry(value[name], path, name, issues)
      if (checked === BAD) bad = true
      else define(out, name, checked)
    }
    return bad ? BAD : out
  }
}

// -----------------------------------------------------------------------------------------------
// The layout

const USER_ID = /^@[^:]+:.+$/
const MXC_URI = /^mxc:\/\/[^/]+\/.+$/
const COLOUR = /^#[0-9a-fA-F]{6}$/

const accountShape = {
  id: { check: text({ max: 20, pattern: ACCOUNT_ID_PATTERN, patternMessage: "is not an account id ('acc_' and 16 hex digits)" }) },
  userId: { check: text({ max: 255, pattern: USER_ID, patternMessage: 'a Matrix user id looks like @name:server' }) },
  homeserverUrl: { check: webAddress(2048) },
  serverName: { check: text({ min: 1, max: 255 }) },
  deviceId: { check: text({ min: 1, max: 255 }) },
  displayName: { check: text({ max: 255 }), optional: true },
  avatarUrl: { check: text({ max: 2048, pattern: MXC_URI, patternMessage: 'an avatar is an mxc:// URI' }), optional: true },
  authApi: { check: oneOf(AUTH_APIS) },
  label: { check: text({ max: 64 }), optional: true },
  color: { check: text({ max: 7, pattern: COLOUR, patternMessage: 'a colour is #rrggbb' }), optional: true },
  order: { check: wholeNumber },
  addedAt: { check: isoTime },
  lastCheckedAt: { check: isoTime, optional: true },
  status: { check: oneOf(ACCOUNT_STATUSES) },
  statusMessage: { check: text({ max: 1000 }), optional: true },
  // Version 2
  signInMethod: { check: oneOf(SIGN_IN_METHODS), optional: true },
  serverTrust: { check: oneOf(SERVER_TRUSTS), optional: true },
  oauth: { check: object({ issuer: { check: webAddress(2048) } }), optional: true },
  accountManagement: {
    check: object({ url: { check: webAddress(2048) }, actions: { check: list(text({ max: 255 }), 64) } }),
    optional: true,
  },
  knownDevices: {
    check: record(
      255,
      object({ firstSeenAt: { check: isoTime }, new: { check: onlyTrue, optional: true }, reported: { check: onlyTrue, optional: true } }),
      10_000,
    ),
    optional: true,
  },
  masterKey: {
    check: object({
      key: { check: text({ min: 1, max: 1024 }) },
      firstSeenAt: { check: isoTime },
      changedFrom: { check: text({ min: 1, max: 1024 }), optional: true },
      changedAt: { check: isoTime, optional: true },
    }),
    optional: true,
  },
  clientInfoPublished: { check: bool, optional: true },
} satisfies Shape

const checkAccount = object(accountShape) as Check<AccountRecord>
/** The accounts' parent path: every account's own path is made from it only when it is needed. */
const ACCOUNTS: IssuePath = ['accounts']

const checkOAuthClient = object({
  clientId: { check: text({ min: 1, max: 1024 }) },
  registeredAt: { check: isoTime },
}) as Check<OAuthClientRecord>

const checkServerVersions = object({
  versions: { check: list(text({ min: 1, max: 64 }), 256) },
  unstableFeatures: { check: record(255, bool, 4096) },
  fetchedAt: { check: isoTime },
}) as Check<ServerVersionsRecord>

/** What a person calls each account field, for the sentence that says which one was wrong. */
const FIELD_NAMES: Record<string, string> = {
  id: 'id',
  userId: 'user id',
  homeserverUrl: 'server address',
  serverName: 'server name',
  deviceId: 'device id',
  displayName: 'display name',
  avatarUrl: 'picture',
  authApi: 'sign-in kind',
  label: 'label',
  color: 'colour',
  order: 'position',
  addedAt: 'date added',
  lastCheckedAt: 'time of the last check',
  status: 'status',
  statusMessage: 'status message',
  signInMethod: 'sign-in method',
  serverTrust: 'server trust',
  oauth: 'sign-in service',
  accountManagement: 'account page',
  knownDevices: 'known devices',
  masterKey: 'security key',
  clientInfoPublished: 'published app information',
}

/**
 * Checks a parsed accounts.json of the current version. Each account is judged on its own: a bad
 * one is listed in `rejected` and left out, the others kept. The second of two accounts with the
 * same id, or the same user on the same device, is rejected too.
 */
export function checkSnapshot(value: unknown): SnapshotCheck {
  if (!isPlainObject(value)) return { ok: false, issues: [{ path: [], message: 'is not an object' }] }
  if (value.version !== CURRENT_VERSION) {
    return { ok: false, issues: [{ path: ['version'], message: `is not ${CURRENT_VERSION}` }] }
  }
  if (!Array.isArray(value.accounts)) return { ok: false, issues: [{ path: ['accounts'], message: 'is not a list' }] }

  const issues: Issue[] = []
  const rejected: RejectedAccount[] = []
  const accounts: AccountRecord[] = []
  const ids = new Set<string>()
  const sessions = new Set<string>()
  ;(value.accounts as unknown[]).forEach((entry, index) => {
    const own: Issue[] = []
    const account = checkAccount(entry, ACCOUNTS, index, own)
    if (account !== BAD) {
      // The keychain entry is keyed by user id and device id, so two records with the same pair
      // would share (and overwrite) one secret.
      const session = `${account.userId}|${account.deviceId}`
      if (ids.has(account.id)) own.push({ path: ['accounts', index, 'id'], message: `the id ${account.id} appears twice` })
      else if (sessions.has(session)) {
        own.push({ path: ['accounts', index], message: `${account.userId} on device ${account.deviceId} appears twice` })
      }
    }
    if (account === BAD || own.length > 0) {
      issues.push(...own)
      rejected.push({ index, name: nameOf(entry, index), value: entry, issues: own })
      return
    }
    ids.add(account.id)
    sessions.add(`${account.userId}|${account.deviceId}`)
    accounts.push(account)
  })

  let activeId: string | null
  if (value.activeId === null) {
    activeId = null
  } else if (typeof value.activeId === 'string' && ids.has(value.activeId)) {
    activeId = value.activeId
  } else {
    issues.push({
      path: ['activeId'],
      message: typeof value.activeId === 'string' ? 'the active account is not in the list' : 'is not an account id or null',
    })
    activeId = accounts[0]?.id ?? null
  }

  const dropped: DroppedEntry[] = []
  const oauthClients = checkMap('oauthClients', value.oauthClients, checkOAuthClient, 2048, issues, dropped)
  const servers = checkMap('servers', value.servers, checkServerVersions, 2048, issues, dropped)

  return {
    ok: true,
    snapshot: { version: CURRENT_VERSION, activeId, accounts, oauthClients, servers },
    issues,
    rejected,
    dropped,
  }
}

/** A top-level map: a missing one is empty; a bad entry is dropped (and recorded) on its own. */
function checkMap<T>(
  map: DroppedEntry['map'],
  value: unknown,
  entry: Check<T>,
  keyMax: number,
  issues: Issue[],
  dropped: DroppedEntry[],
): Record<string, T> {
  const out: Record<string, T> = {}
  if (value === undefined) return out
  if (!isPlainObject(value)) {
    issues.push({ path: [map], message: 'is not an object' })
    dropped.push({ map, key: '', value, issues: [{ path: [map], message: 'is not an object' }] })
    return out
  }
  for (const key of Object.keys(value)) {
    const own: Issue[] = []
    let checked: T | Bad = BAD
    if (key.length === 0 || key.length > keyMax) own.push({ path: [map, key.slice(0, 64)], message: 'is not allowed as a key' })
    else checked = entry(value[key], [map], key, own)
    if (checked === BAD) {
      issues.push(...own)
      dropped.push({ map, key, value: value[key], issues: own })
    } else {
      define(out, key, checked)
    }
  }
  return out
}

function nameOf(entry: unknown, index: number): string {
  if (isPlainObject(entry)) {
    const { userId, id } = entry
    if (typeof userId === 'string' && userId.length <= 255 && USER_ID.test(userId)) return printable(userId)
    if (typeof id === 'string' && ACCOUNT_ID_PATTERN.test(id)) return id
  }
  return `account ${index + 1}`
}

/** Control characters out, so a name from the file cannot steer a terminal. */
function printable(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
}

/** "label: is longer than 64 characters" — an account's problems, in a person's words. */
export function describeAccountProblems(rejected: RejectedAccount): string {
  return rejected.issues
    .slice(0, 3)
    .map((issue) => {
      const field = issue.path[2]
      const name = typeof field === 'string' ? (FIELD_NAMES[field] ?? 'a field') : undefined
      if (!name) return issue.message
      return /^(is|has) /.test(issue.message) ? `its ${name} ${issue.message}` : `its ${name} is not valid (${issue.message})`
    })
    .join('; ')
}

/** One line per problem, naming where it is: "accounts.0.userId: a Matrix user id looks like …". */
export function describeIssues(issues: readonly Issue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ')
}
