/** The accounts layer: account metadata (registry) and session secrets (SecretStore). */
export { ACCOUNTS_FILE, APP_NAME, accountsFilePath, dataDir, electronUserDataDir } from './paths'
export { deepFreeze } from './freeze'
export {
  ACCOUNT_STATUSES,
  CURRENT_VERSION,
  emptySnapshot,
  SERVER_TRUSTS,
  SIGN_IN_METHODS,
  type AccountRecord,
  type AccountStatus,
  type AuthApi,
  type KnownDevice,
  type MasterKeyRecord,
  type OAuthClientRecord,
  type RegistrySnapshot,
  type ServerTrust,
  type ServerVersionsRecord,
  type SignInMethod,
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
  getOAuthClient,
  getServerVersions,
  newAccountId,
  patchAccount,
  relabelAccount,
  removeAccount,
  removeOAuthClient,
  removeServerVersions,
  reorderAccounts,
  setActiveAccount,
  setOAuthClient,
  setServerVersions,
  type AccountPatch,
  type NewAccount,
} from './operations'
export { RegistryError, SecretStoreError, type RegistryErrorCode, type SecretStoreErrorCode } from './errors'
export { MemorySecretStore, secretKey, userIdOfKey, type SecretStore, type StoredSecret } from './secrets'
export { DEFAULT_SERVICE, KeytarSecretStore, type KeytarLike } from './keytar-store'
export { openSecretStore, type OpenedSecretStore, type OpenSecretStoreOptions } from './open-secret-store'
export {
  DEFAULT_SETTINGS,
  NEW_DEVICE_CHECK_LIMITS,
  SETTINGS_FILE,
  SettingsFile,
  validateSettings,
  type Settings,
  type SettingsPatch,
  type Theme,
} from './settings'
