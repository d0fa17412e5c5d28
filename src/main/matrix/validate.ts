// A few hand-written shape checks for response bodies. Hand-written rather than zod because the
// protocol core is imported by the CLI on every start (zod costs ~90 ms to import) and because a
// failed check must name the JSON path, never the offending value (it may be a token).

import { serverText } from './errors'

export class ShapeError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path || 'the body'}: ${problem}`)
    this.name = 'ShapeError'
  }
}

export type Check<T> = (value: unknown, path: string) => T

const OPTIONAL: unique symbol = Symbol('optional')
export type OptionalCheck<T> = Check<T | undefined> & { readonly [OPTIONAL]: true }

function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}

export const string: Check<string> = (value, path) => {
  if (typeof value !== 'string') throw new ShapeError(path, `expected a string, found ${describeType(value)}`)
  return value
}

export const nonEmptyString: Check<string> = (value, path) => {
  const s = string(value, path)
  if (s.length === 0) throw new ShapeError(path, 'expected a non-empty string')
  return s
}

export const boolean: Check<boolean> = (value, path) => {
  if (typeof value !== 'boolean') throw new ShapeError(path, `expected true or false, found ${describeType(value)}`)
  return value
}

/** A JSON integer within JavaScript's safe range, 0 or more (durations, timestamps). */
export const count: Check<number> = (value, path) => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ShapeError(path, `expected a whole number of 0 or more, found ${describeType(value)}`)
  }
  return value
}

export function arrayOf<T>(item: Check<T>): Check<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) throw new ShapeError(path, `expected an array, found ${describeType(value)}`)
    return value.map((v, i) => item(v, `${path}[${i}]`))
  }
}

/** Absent and `null` both read as "not given": Synapse sends `null` for unset device fields. */
export function optional<T>(check: Check<T>): OptionalCheck<T> {
  const wrapped = ((value: unknown, path: string) => (value === undefined || value === null ? undefined : check(value, path))) as OptionalCheck<T>
  Object.defineProperty(wrapped, OPTIONAL, { value: true })
  return wrapped
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export const jsonObject: Check<Record<string, unknown>> = (value, path) => {
  if (!isPlainObject(value)) throw new ShapeError(path, `expected an object, found ${describeType(value)}`)
  return value
}

type Shape = Record<string, Check<unknown>>
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalCheck<unknown> ? never : K }[keyof S]
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalCheck<unknown> ? K : never }[keyof S]
export type Infer<S extends Shape> = { [K in RequiredKeys<S>]: S[K] extends Check<infer T> ? T : never } & {
  [K in OptionalKeys<S>]?: S[K] extends Check<infer T> ? Exclude<T, undefined> : never
}

const own = Object.prototype.hasOwnProperty

/** An object with these keys; other keys are allowed (the spec lets servers add namespaced keys). */
export function object<S extends Shape>(shape: S): Check<Infer<S>> {
  return (value, path) => {
    const obj = jsonObject(value, path)
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(shape)) {
      const check = shape[key] as Check<unknown>
      const v = own.call(obj, key) ? obj[key] : undefined
      const keyPath = path ? `${path}.${key}` : key
      if (v === undefined && !(OPTIONAL in check)) throw new ShapeError(keyPath, 'missing')
      const checked = check(v, keyPath)
      if (checked !== undefined) out[key] = checked
    }
    return out as Infer<S>
  }
}

export function recordOf<T>(item: Check<T>): Check<Record<string, T>> {
  return (value, path) => {
    const obj = jsonObject(value, path)
    const out: Record<string, T> = {}
    for (const [k, v] of Object.entries(obj)) {
      Object.defineProperty(out, k, { value: item(v, `${path}.${k}`), enumerable: true, writable: true, configurable: true })
    }
    return out
  }
}

/** Keep only the entries that pass; used where a server may add entries we do not understand. */
export function lenientArrayOf<T>(item: Check<T>): Check<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) throw new ShapeError(path, `expected an array, found ${describeType(value)}`)
    const out: T[] = []
    value.forEach((v, i) => {
      try {
        out.push(item(v, `${path}[${i}]`))
      } catch (e) {
        if (!(e instanceof ShapeError)) throw e
      }
    })
    return out
  }
}

/** An absolute http(s) URL. */
export const httpUrl: Check<string> = (value, path) => {
  const s = string(value, path)
  if (!URL.canParse(s)) throw new ShapeError(path, 'expected a URL')
  const protocol = new URL(s).protocol
  if (protocol !== 'https:' && protocol !== 'http:') throw new ShapeError(path, 'expected an http or https URL')
  return s
}

/** The spec caps a user id at 255 bytes; one with control characters is never valid. */
const MAX_USER_ID = 255

export const userId: Check<string> = (value, path) => {
  const s = string(value, path)
  if (!s.startsWith('@') || !s.includes(':')) throw new ShapeError(path, 'expected a Matrix user id (@name:server)')
  // eslint-disable-next-line no-control-regex
  if (Buffer.byteLength(s) > MAX_USER_ID || /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(s)) {
    throw new ShapeError(path, 'expected a Matrix user id of at most 255 bytes without control characters')
  }
  return s
}

/** A device id Latchkey keeps (accounts.json, the keychain key): at most 255 characters, printable. */
export const deviceId: Check<string> = (value, path) => {
  const s = nonEmptyString(value, path)
  // eslint-disable-next-line no-control-regex
  if (s.length > 255 || /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(s)) {
    throw new ShapeError(path, 'expected a device id of at most 255 characters without control characters')
  }
  return s
}

/**
 * Text a server chose for people to read (a device's name, its last IP, a display name): printable
 * and at most `max` characters from here on, so no screen or terminal meets control characters and
 * no list or file meets a megabyte of name.
 */
export function displayText(max: number): Check<string> {
  return (value, path) => serverText(string(value, path), [], max)
}
