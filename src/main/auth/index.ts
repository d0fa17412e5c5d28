/** The ways of signing in; each yields Credentials. Thin on purpose: the protocol is in matrix/. */
export { credentialsFrom, tokensOf, type Credentials, type Tokens } from './credentials'
export { signInWithPassword, type PasswordSignIn } from './password'
export { signInWithLoginToken, type TokenSignIn } from './login-token'
export { signInWithSso, type PendingSsoSignIn, type SsoSignInRequest } from './sso-sign-in'
