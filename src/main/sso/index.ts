/** The loopback redirect listener for SSO and OAuth sign-ins in the system browser. */
export {
  DEFAULT_RESPOND_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
  LOOPBACK_HOST,
  OAUTH_REDIRECT_PATH,
  OAUTH_REDIRECT_URI_TO_REGISTER,
  startRedirectListener,
} from './listener'
export type {
  OAuthListenerOptions,
  OAuthRedirect,
  RedirectListener,
  RedirectListenerOptions,
  RedirectOutcome,
  RedirectResult,
  SsoListenerOptions,
  SsoRedirect,
} from './listener'
export { isSsoError, SsoError } from './errors'
export type { SsoErrorCode, SsoErrorDetails } from './errors'
export { beginSsoSignIn } from './flow'
export type { SsoCredentials, SsoSignIn, SsoSignInOptions } from './flow'
export { DEFAULT_POLL_INTERVAL_MS, DEFAULT_UIA_TIMEOUT_MS, SSO_UIA_STAGE, ssoUiaStage, ssoUiaStages } from './uia-stage'
export type { ConfirmRequest, SsoUiaStageOptions } from './uia-stage'
