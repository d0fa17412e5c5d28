/**
 * The sentence for "no keychain: tokens in memory", in a module of its own so the command line can
 * say it (when keytar is not even installed) without loading the secret stores.
 */
export function memoryOnlyNotice(reason: string): string {
  return `No system keychain answered (${reason}): Latchkey keeps new sessions in memory until you quit.`
}

/** The reason given when the keytar package is missing (npm drops an optional dependency that failed to build). */
export const KEYTAR_NOT_INSTALLED = 'keytar is not installed'
