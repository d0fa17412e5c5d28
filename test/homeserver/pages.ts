// The HTML the test homeserver shows in a browser: the built-in identity provider and the UIA
// fallback page. Self-contained (inline style, no external resources) and accessible (labels,
// headings, real buttons), so the e2e suite can drive them in Chromium by role and name.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

export function page(title: string, main: string, script = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; color: #1b1d22; }
label, select, button { display: block; font-size: 1rem; }
select { margin: .5rem 0 1rem; padding: .4rem; width: 100%; }
.actions { display: flex; gap: .75rem; }
button { padding: .5rem 1.2rem; border-radius: .4rem; border: 1px solid #555; background: #fff; }
button[value="continue"] { background: #0a6a4f; border-color: #0a6a4f; color: #fff; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${main}
</main>${script ? `\n<script>${script}</script>` : ''}
</body>
</html>
`
}

export interface IdpPageInput {
  idpName: string
  action: string
  redirectUrl: string
  users: Array<{ userId: string; label: string }>
}

export function identityProviderPage(input: IdpPageInput): string {
  const options = input.users
    .map((u) => `<option value="${escapeHtml(u.userId)}">${escapeHtml(u.label)}</option>`)
    .join('\n')
  return page(
    `Sign in with ${input.idpName}`,
    `<p>This is the test homeserver's identity provider. Choose who you are.</p>
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="redirectUrl" value="${escapeHtml(input.redirectUrl)}">
<label for="user">Account</label>
<select id="user" name="user">
${options}
</select>
<div class="actions">
<button type="submit" name="decision" value="continue">Continue</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</div>
</form>`,
  )
}

export function messagePage(title: string, message: string): string {
  return page(title, `<p role="status">${escapeHtml(message)}</p>`)
}

export function fallbackPage(action: string, userId: string): string {
  return page(
    'Confirm it is you',
    `<p>An application asks to act on your account ${escapeHtml(userId)}. Continue to confirm it with the identity provider.</p>
<form method="post" action="${escapeHtml(action)}">
<div class="actions">
<button type="submit" name="decision" value="continue">Continue</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</div>
</form>`,
  )
}

/** The spec's fallback contract: tell the opener (or the embedding client) that the stage is done. */
export function fallbackDonePage(): string {
  return page(
    'Authentication complete',
    '<p role="status">Done. You can close this window and return to the application.</p>',
    `if (window.onAuthDone) { window.onAuthDone(); } else if (window.opener && window.opener.postMessage) { window.opener.postMessage("authDone", "*"); }`,
  )
}

export interface OAuthLoginPageInput {
  action: string
  serverName: string
  clientName: string
  /** 'login': an existing account; 'create': a new one (prompt=create); 'consent': already signed in. */
  mode: 'login' | 'create' | 'consent'
  username?: string
  problem?: string
}

/** The OAuth issuer's sign-in page: one form, so signing in and allowing the client is one step. */
export function oauthLoginPage(input: OAuthLoginPageInput): string {
  const title =
    input.mode === 'create' ? `Create an account on ${input.serverName}`
    : input.mode === 'consent' ? `Allow ${input.clientName}`
    : `Sign in to ${input.serverName}`
  const fields =
    input.mode === 'consent'
      ? ''
      : `<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" value="${escapeHtml(input.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="${input.mode === 'create' ? 'new-password' : 'current-password'}" value="">`
  return page(
    title,
    `<p>${escapeHtml(input.clientName)} asks to use your account on ${escapeHtml(input.serverName)}.</p>
${input.problem ? `<p role="alert">${escapeHtml(input.problem)}</p>` : ''}
<form method="post" action="${escapeHtml(input.action)}">
${fields}
<div class="actions">
<button type="submit" name="decision" value="continue">Continue</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</div>
</form>`,
  )
}

/** The device flow's pages: oidc-provider's own form (hidden fields) with our buttons inside it. */
export function deviceCodePage(title: string, message: string, form: string, problem?: string): string {
  const withButtons = form.replace(
    '</form>',
    `<div class="actions"><button type="submit" name="decision" value="continue">Continue</button></div>\n</form>`,
  )
  return page(title, `<p>${escapeHtml(message)}</p>\n${problem ? `<p role="alert">${escapeHtml(problem)}</p>\n` : ''}${withButtons}`)
}
