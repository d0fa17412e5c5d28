// The body of a 401 that asks for User-Interactive Authentication, as the driver reads it.

export interface UiaFlow {
  readonly stages: readonly string[]
}

export interface UiaState {
  readonly flows: readonly UiaFlow[]
  /** Absent only on servers that do not track sessions; we then retry without one. */
  readonly session?: string
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  readonly completed: readonly string[]
  /** Set when the previous attempt at a stage failed (e.g. M_FORBIDDEN for a wrong password). */
  readonly errcode?: string
  readonly error?: string
}

/** The `auth` object a UIA request carries: a stage's type and fields, and the session. */
export interface AuthDict {
  readonly type?: string
  readonly session?: string
  readonly [field: string]: unknown
}
