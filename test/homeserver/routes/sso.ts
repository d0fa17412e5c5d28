import type { RequestContext, Route } from '../context'
import { fail, html, matrixError, redirect, unrecognized, type Reply } from '../reply'
import { fallbackDonePage, fallbackPage, identityProviderPage, messagePage } from '../pages'
import { completeStage } from '../uia'

// SSO (spec: "Client login via SSO", "Fallback"). /login/sso/redirect answers 302 to the built-in
// identity provider at /_test/idp/<idpId>; its form posts back there and, on Continue, the browser
// is sent to redirectUrl with a fresh single-use loginToken.
//
// Failing on purpose: the page's Cancel button (302 to redirectUrl with no loginToken), or
// hs.setIdpFailure('cancel' | 'error-page') / options.idpFailure, which makes Continue behave like
// Cancel or end on a 403 HTML error page that never reaches redirectUrl.

const IDP_PATH = '/_test/idp/'

function ssoRedirect(ctx: RequestContext): Reply {
  const { config, baseUrl } = ctx.hs
  if (!config.flows.sso) return unrecognized('This homeserver does not offer single sign-on.')
  const redirectUrl = ctx.query.get('redirectUrl')
  if (redirectUrl === null || redirectUrl === '') fail(400, 'M_MISSING_PARAM', 'Missing "redirectUrl" parameter.')
  if (!URL.canParse(redirectUrl)) fail(400, 'M_INVALID_PARAM', '"redirectUrl" must be an absolute URL.')
  const idpId = ctx.params['idpId'] ?? config.flows.identityProviders[0]?.id
  if (idpId === undefined || !config.flows.identityProviders.some((idp) => idp.id === idpId)) {
    return matrixError(404, 'M_NOT_FOUND', 'Unknown identity provider.')
  }
  return redirect(`${baseUrl}${IDP_PATH}${encodeURIComponent(idpId)}?redirectUrl=${encodeURIComponent(redirectUrl)}`)
}

function identityProviderOf(ctx: RequestContext): { id: string; name: string } {
  const idp = ctx.hs.config.flows.identityProviders.find((p) => p.id === ctx.params['idpId'])
  if (!idp) throw new IdpPageError(404, 'Unknown identity provider', 'This identity provider does not exist.')
  return idp
}

class IdpPageError extends Error {
  constructor(readonly status: number, readonly title: string, message: string) {
    super(message)
  }
}

function pageErrors(handler: (ctx: RequestContext) => Reply): (ctx: RequestContext) => Reply {
  return (ctx) => {
    try {
      return handler(ctx)
    } catch (error) {
      if (error instanceof IdpPageError) return html(error.status, messagePage(error.title, error.message))
      throw error
    }
  }
}

function redirectUrlFrom(value: string | null): URL {
  if (value === null || !URL.canParse(value)) throw new IdpPageError(400, 'Sign-in failed', 'The application did not say where to return to.')
  return new URL(value)
}

const showIdentityProvider = pageErrors((ctx) => {
  const idp = identityProviderOf(ctx)
  const redirectUrl = redirectUrlFrom(ctx.query.get('redirectUrl'))
  const { state } = ctx.hs
  const users = [...state.users.values()].map((user) => ({
    userId: state.userId(user.localpart),
    label: user.displayName ? `${user.displayName} (${state.userId(user.localpart)})` : state.userId(user.localpart),
  }))
  return html(200, identityProviderPage({ idpName: idp.name, action: `${IDP_PATH}${encodeURIComponent(idp.id)}`, redirectUrl: redirectUrl.href, users }))
})

const submitIdentityProvider = pageErrors((ctx) => {
  identityProviderOf(ctx)
  const { state, config } = ctx.hs
  const target = redirectUrlFrom(ctx.form.get('redirectUrl') ?? ctx.query.get('redirectUrl'))
  const decision = ctx.form.get('decision') ?? 'continue'
  const failure = config.idpFailure
  if (decision === 'cancel' || failure === 'cancel') return redirect(target.href)
  if (failure === 'error-page') {
    throw new IdpPageError(403, 'Sign-in failed', 'The identity provider refused the sign-in (access_denied).')
  }
  const user = state.findUser(ctx.form.get('user') ?? '')
  if (!user) throw new IdpPageError(400, 'Sign-in failed', 'Choose an account of this server.')
  if (user.locked) throw new IdpPageError(403, 'Sign-in failed', 'This account has been locked.')
  const token = state.mintLoginToken(user.localpart, config.loginTokenLifetimeMs)
  target.searchParams.append('loginToken', token.token)
  return redirect(target.href)
})

function fallbackSession(ctx: RequestContext) {
  if (ctx.params['stage'] !== 'm.login.sso') {
    throw new IdpPageError(404, 'Unknown stage', 'This server has no fallback page for that authentication stage.')
  }
  const session = ctx.hs.state.uiaSessions.get(ctx.query.get('session') ?? '')
  if (!session) throw new IdpPageError(400, 'Unknown session', 'This authentication session does not exist or has ended.')
  return session
}

const showFallback = pageErrors((ctx) => {
  const session = fallbackSession(ctx)
  const action = `${ctx.path}?session=${encodeURIComponent(session.id)}`
  return html(200, fallbackPage(action, ctx.hs.state.userId(session.localpart)))
})

const submitFallback = pageErrors((ctx) => {
  const session = fallbackSession(ctx)
  if (ctx.form.get('decision') === 'cancel') return html(200, messagePage('Cancelled', 'Nothing was confirmed. You can close this window.'))
  if (ctx.hs.config.idpFailure === 'error-page') {
    throw new IdpPageError(403, 'Confirmation failed', 'The identity provider refused the confirmation (access_denied).')
  }
  completeStage(ctx.hs.state.uiaSessions, session.id, 'm.login.sso')
  return html(200, fallbackDonePage())
})

export const ssoRoutes: Route[] = [
  { endpoint: 'ssoRedirect', method: 'GET', space: 'client', path: '/login/sso/redirect', auth: 'none', body: 'none', handle: ssoRedirect },
  { endpoint: 'ssoRedirect', method: 'GET', space: 'client', path: '/login/sso/redirect/:idpId', auth: 'none', body: 'none', handle: ssoRedirect },
  { endpoint: 'identityProvider', method: 'GET', space: 'root', path: `${IDP_PATH}:idpId`, auth: 'none', body: 'none', handle: showIdentityProvider },
  { endpoint: 'identityProvider', method: 'POST', space: 'root', path: `${IDP_PATH}:idpId`, auth: 'none', body: 'form', handle: submitIdentityProvider },
  { endpoint: 'ssoFallback', method: 'GET', space: 'client', path: '/auth/:stage/fallback/web', auth: 'none', body: 'none', handle: showFallback },
  { endpoint: 'ssoFallback', method: 'POST', space: 'client', path: '/auth/:stage/fallback/web', auth: 'none', body: 'form', handle: submitFallback },
]
