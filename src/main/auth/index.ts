/** The ways of signing in; each yields Credentials. Thin on purpose: the protocol is in matrix/. */
export { credentialsFrom, tokensOf, type Credentials, type Tokens } from './credentials'
export { signInWithPassword, type PasswordSignIn } from './password'
export { signInWithLoginToken, type TokenSignIn } from './login-token'
export { signInWithSso, type PendingSsoSignIn, type SsoSignInRequest } from './sso-sign-in'
export {
  DEVICE_CODE_GRANT,
  STABLE_API_SCOPE,
  UNSTABLE_API_SCOPE,
  authorizationUrl,
  exchangeCode,
  httpAllowed,
  matrixScope,
  newDeviceId,
  offersDeviceGrant,
  oauthFailure,
  pkce,
  pollDeviceCode,
  refreshTokens,
  registerClient,
  revokeToken,
  startDeviceAuthorization,
  type ClientIdentity,
  type DeviceAuthorization,
  type OAuthServer,
  type OAuthTokens,
} from './oauth'
export {
  beginOAuthSignIn,
  clientIdFor,
  signInWithDeviceCode,
  type DeviceCodePrompt,
  type DeviceSignInRequest,
  type OAuthClientOptions,
  type OAuthClientStore,
  type OAuthSignInRequest,
  type PendingOAuthSignIn,
} from './oauth-sign-in'
