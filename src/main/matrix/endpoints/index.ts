// Every endpoint Latchkey calls, by name (the names the test homeserver records requests under).

import { authMetadata, authMetadataUnstable } from './auth-metadata'
import { authIssuer } from './auth-issuer'
import { openIdConfiguration } from './openid-configuration'
import { capabilities } from './capabilities'
import { deleteDevice } from './delete-device'
import { deleteDevices } from './delete-devices'
import { devices } from './devices'
import { getDevice } from './get-device'
import { getLoginToken } from './get-login-token'
import { login } from './login'
import { loginFlows } from './login-flows'
import { logout } from './logout'
import { logoutAll } from './logout-all'
import { profile } from './profile'
import { refresh } from './refresh'
import { thumbnail } from './thumbnail'
import { updateDevice } from './update-device'
import { versions } from './versions'
import { wellKnown } from './well-known'
import { whoami } from './whoami'
import { keysQuery } from './keys-query'
import { setAccountData } from './set-account-data'
import { sync } from './sync'

export const endpoints = {
  wellKnown,
  versions,
  loginFlows,
  login,
  logout,
  logoutAll,
  whoami,
  getLoginToken,
  refresh,
  capabilities,
  devices,
  getDevice,
  updateDevice,
  deleteDevice,
  deleteDevices,
  profile,
  thumbnail,
  authMetadata,
  authMetadataUnstable,
  authIssuer,
  openIdConfiguration,
  keysQuery,
  sync,
  setAccountData,
} as const

export type Endpoints = typeof endpoints

export {
  authIssuer,
  authMetadataUnstable,
  openIdConfiguration,
  authMetadata,
  capabilities,
  deleteDevice,
  deleteDevices,
  devices,
  getDevice,
  getLoginToken,
  keysQuery,
  login,
  loginFlows,
  logout,
  logoutAll,
  profile,
  refresh,
  setAccountData,
  sync,
  thumbnail,
  updateDevice,
  versions,
  wellKnown,
  whoami,
}
export type { AuthMetadata } from './auth-metadata'
export { parseAuthMetadata } from './auth-metadata'
export type { Capabilities } from './capabilities'
export type { Device } from './device'
export type { LoginTokenResponse } from './get-login-token'
export type { LoginFlow, IdentityProvider } from './login-flows'
export type { LoginMethod, LoginParams, LoginResponse, UserIdentifier } from './login'
export type { Profile } from './profile'
export type { RefreshResponse } from './refresh'
export type { Thumbnail, ThumbnailParams } from './thumbnail'
export type { WhoAmI } from './whoami'
export type { WellKnown } from './well-known'
export type { KeysQueryResponse, UserKeys } from './keys-query'
export { keysOfUser } from './keys-query'
export type { AccountDataEvent, SyncParams, SyncResponse } from './sync'
