/** The accounts layer: account metadata (registry) and session secrets (SecretStore). */
export { ACCOUNTS_FILE, APP_NAME, accountsFilePath, dataDir, electronUserDataDir } from './paths'
export {
  ACCOUNT_STATUSES,
  CURRENT_VERSION,
  emptySnapshot,
  type AccountRecord,
  type AccountStatus,
  type AuthApi,
  type RegistrySnapshot,
} from './schema'
export {
  AccountRegistry,
  type AccountRegistryOptions,
  type CorruptionNotice,
  type UpdateResult,
} from './registry'
export type { RegistryListener, WatchOptions } from './watch'
export {
  addAccount,
  findAccount,
  getAccount,
  newAccountId,
  patchAccount,
  removeAccount,
  reorderAccounts,
  setActiveAccount,
  type AccountPatch,
  type NewAccount,
} from './operations'
export { RegistryError, SecretStoreError, type RegistryErrorCode, type SecretStoreErrorCode } from './errors'
export { MemorySecretStore, secretKey, userIdOfKey, type SecretStore, type StoredSecret } from './secrets'
export { DEFAULT_SERVICE, KeytarSecretStore, type KeytarLike } from './keytar-store'
export { openSecretStore, type OpenedSecretStore, type OpenSecretStoreOptions } from './open-secret-store'
