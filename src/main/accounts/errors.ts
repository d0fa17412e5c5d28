/**
 * The errors of the accounts layer: a code a program can branch on and a sentence a person can
 * act on. None of them ever carries a token: the registry holds none, and the secret store's
 * errors name the account (its user id), never the secret.
 */

export type RegistryErrorCode =
  /** The data folder or accounts.json cannot be read (permissions, not a folder, I/O error). */
  | 'unreadable'
  /** accounts.json cannot be written (permissions, disk full, read-only file system). */
  | 'unwritable'
  /** accounts.json was written by a newer Latchkey; this build neither reads it nor writes over it. */
  | 'newer-version'
  /** Another process held the account list for longer than we wait. */
  | 'locked'
  /** The inter-process lock was lost (taken over as stale) before the write finished. */
  | 'lock-lost'
  /** A change would leave the account list invalid; nothing was written. */
  | 'invalid-change'
  /** The same user id and device id are already in the list. */
  | 'duplicate-account'
  /** No account with that id. */
  | 'unknown-account'

export class RegistryError extends Error {
  override readonly name = 'RegistryError'

  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export type SecretStoreErrorCode =
  /** The stored secret is not JSON of the expected shape; only that account is affected. */
  | 'corrupt-secret'
  /** A caller tried to store a secret without an access token (or with a malformed field). */
  | 'invalid-secret'
  /** The keychain refused or failed the call. */
  | 'keychain-failed'

export class SecretStoreError extends Error {
  override readonly name = 'SecretStoreError'

  constructor(
    readonly code: SecretStoreErrorCode,
    message: string,
    /** The account concerned (its Matrix user id), when there is one. */
    readonly userId?: string,
  ) {
    super(message)
  }
}

/** "permission denied" for EACCES, and so on: the part of a file-system error a person can act on. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder'
    case 'EISDIR':
      return 'it is a folder, not a file'
    case 'ENOSPC':
      return 'the disk is full'
    case 'EROFS':
      return 'the file system is read-only'
    case 'ENOENT':
      return 'it does not exist'
    default:
      return code ? `system error ${code}` : String((error as Error | undefined)?.message ?? error)
  }
}
