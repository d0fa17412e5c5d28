import type { RequestContext, Route } from '../context'
import { escapeHtml, messagePage, page } from '../pages'
import { html, ok, unrecognized, type Reply } from '../reply'

// OAuth mode's discovery (spec: "GET /auth_metadata"; MSC2965's unstable endpoints as deployed
// before v1.15) and the account management web page (spec: "Account management URL actions").
// Outside OAuth mode (and in the profiles that predate them) each answers 404 M_UNRECOGNIZED, as
// a server without them does.

export const ACCOUNT_PAGE = '/account/'

function metadata(ctx: RequestContext, served: boolean): Reply {
  const issuer = ctx.hs.oauth
  if (!issuer || !served) return unrecognized('This homeserver does not offer the OAuth 2.0 API here.')
  return ok(issuer.metadata)
}

/** The account page: sign in (the page has no session of its own), then do the action. */
async function accountPage(ctx: RequestContext): Promise<Reply> {
  const { hs } = ctx
  // MAS serves the account page, with or without the OAuth 2.0 API in front (mas: true alone is its compatibility layer).
  if (!hs.oauth && !hs.config.mas) return html(404, messagePage('Not found', 'This homeserver has no account page.'))
  const fields = ctx.method === 'POST' ? ctx.form : ctx.query
  const action = fields.get('action') ?? ''
  const deviceId = fields.get('device_id') ?? ''
  const what =
    action === 'org.matrix.device_delete' ? `Sign out the device ${deviceId}`
    : action === 'org.matrix.devices_list' ? 'Your devices'
    : action === 'org.matrix.device_view' ? `The device ${deviceId}`
    : action === 'org.matrix.profile' ? 'Your profile'
    : 'Your account'
  const form = (problem?: string) =>
    html(
      200,
      page(
        what,
        `<p>Sign in to ${escapeHtml(hs.config.serverName)} to continue.</p>
${problem ? `<p role="alert">${escapeHtml(problem)}</p>` : ''}
<form method="post" action="${ACCOUNT_PAGE}">
<input type="hidden" name="action" value="${escapeHtml(action)}">
<input type="hidden" name="device_id" value="${escapeHtml(deviceId)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" value="">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" value="">
<div class="actions">
<button type="submit" name="decision" value="continue">${action === 'org.matrix.device_delete' ? 'Sign out' : 'Continue'}</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</div>
</form>`,
      ),
    )
  if (ctx.method !== 'POST') return form()
  if (ctx.form.get('decision') === 'cancel') return html(200, messagePage(what, 'Nothing was changed.'))
  const user = hs.state.findUser((ctx.form.get('username') ?? '').trim())
  if (!user || user.password === undefined || user.password !== ctx.form.get('password')) return form('Wrong username or password.')
  const devices = [...user.devices.values()]
  switch (action) {
    case 'org.matrix.device_delete': {
      if (!user.devices.has(deviceId)) return html(200, messagePage(what, `There is no device ${deviceId} on your account.`))
      hs.state.deleteDevice(user, deviceId)
      await hs.oauth?.endDevice(user.localpart, deviceId)
      return html(200, messagePage('Device signed out', `The device ${deviceId} is signed out. You can close this page.`))
    }
    case 'org.matrix.devices_list':
      return html(200, page(what, `<ul aria-label="Devices">${devices.map((d) => `<li>${escapeHtml(d.displayName ?? d.deviceId)} (${escapeHtml(d.deviceId)})</li>`).join('')}</ul>`))
    default:
      return html(200, messagePage(what, `Signed in as ${hs.state.userId(user.localpart)}.`))
  }
}

export const oauthRoutes: Route[] = [
  {
    endpoint: 'authMetadataUnstable', method: 'GET', space: 'root', path: '/_matrix/client/unstable/org.matrix.msc2965/auth_metadata', auth: 'none', body: 'none',
    handle: (ctx) => metadata(ctx, ctx.hs.config.oauth?.profile === 'auth-metadata'),
  },
  {
    endpoint: 'authIssuer', method: 'GET', space: 'root', path: '/_matrix/client/unstable/org.matrix.msc2965/auth_issuer', auth: 'none', body: 'none',
    handle: (ctx) => {
      const issuer = ctx.hs.oauth
      if (!issuer || ctx.hs.config.oauth?.profile !== 'auth-issuer') return unrecognized('This homeserver does not offer the OAuth 2.0 API here.')
      return ok({ issuer: issuer.issuer })
    },
  },
  { endpoint: 'accountPage', method: 'GET', space: 'root', path: ACCOUNT_PAGE, auth: 'none', body: 'none', handle: accountPage },
  { endpoint: 'accountPage', method: 'POST', space: 'root', path: ACCOUNT_PAGE, auth: 'none', body: 'form', handle: accountPage },
]

export { metadata as oauthMetadataReply }
