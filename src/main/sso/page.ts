/**
 * The small pages the loopback listener shows in the person's browser. Self-contained on
 * purpose: no script, no image, no font, no link, so the page loads nothing and the address it
 * was reached at (which carried a login token or code) is sent nowhere, not even as a Referer.
 */

/** Headers on every answer of the listener, accepted or not. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
})

export type PageTone = 'success' | 'failure' | 'neutral'

export interface Page {
  title: string
  heading: string
  /** Plain text; escaped when rendered. */
  text: string
  tone: PageTone
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

/** Drops a trailing full stop so a quoted message does not end in "..". */
function clause(text: string): string {
  return text.trim().replace(/[.。]+$/u, '')
}

export function signedInPage(userId: string): Page {
  return {
    title: 'Signed in — Latchkey',
    heading: 'Signed in',
    text: `Signed in to Latchkey as ${userId}. You can close this tab.`,
    tone: 'success',
  }
}

export function failedPage(message: string): Page {
  return {
    title: 'Sign-in failed — Latchkey',
    heading: 'Sign-in failed',
    text: `Latchkey could not finish signing in: ${clause(message)}. You can close this tab and try again in Latchkey.`,
    tone: 'failure',
  }
}

/** Shown when Latchkey received the redirect but did not say how the sign-in ended in time. */
export function receivedPage(): Page {
  return {
    title: 'Sign-in received — Latchkey',
    heading: 'Sign-in received',
    text: 'Latchkey received the sign-in. Return to Latchkey to see whether it finished. You can close this tab.',
    tone: 'neutral',
  }
}

export function cancelledPage(): Page {
  return {
    title: 'Sign-in cancelled — Latchkey',
    heading: 'Sign-in cancelled',
    text: 'The sign-in was cancelled in Latchkey. You can close this tab.',
    tone: 'neutral',
  }
}

export function notFoundPage(): Page {
  return {
    title: 'Not found — Latchkey',
    heading: 'Not found',
    text: 'This address is not part of a Latchkey sign-in in progress.',
    tone: 'neutral',
  }
}

export function alreadyUsedPage(): Page {
  return {
    title: 'Already used — Latchkey',
    heading: 'Already used',
    text: 'This sign-in address has already been used. You can close this tab.',
    tone: 'neutral',
  }
}

export function badRequestPage(reason: string): Page {
  return {
    title: 'Bad request — Latchkey',
    heading: 'Bad request',
    text: `${clause(reason)}. Latchkey is still waiting for the sign-in to finish.`,
    tone: 'neutral',
  }
}

export function methodNotAllowedPage(): Page {
  return {
    title: 'Method not allowed — Latchkey',
    heading: 'Method not allowed',
    text: 'This address only answers the browser returning from a sign-in.',
    tone: 'neutral',
  }
}

const ACCENT: Record<PageTone, { light: string; dark: string }> = {
  success: { light: '#1a7f37', dark: '#3fb950' },
  failure: { light: '#cf222e', dark: '#f85149' },
  neutral: { light: '#57606a', dark: '#8b949e' },
}

export function renderPage(page: Page): string {
  const accent = ACCENT[page.tone]
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(page.title)}</title>
<style>
:root { color-scheme: light dark; --bg: #f6f8fa; --card: #ffffff; --fg: #1f2328; --line: #d0d7de; --accent: ${accent.light}; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --card: #161b22; --fg: #e6edf3; --line: #30363d; --accent: ${accent.dark}; } }
html, body { margin: 0; height: 100%; }
body { display: flex; align-items: center; justify-content: center; background: var(--bg); color: var(--fg); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 32rem; margin: 1rem; padding: 1.5rem 2rem; background: var(--card); border: 1px solid var(--line); border-top: 4px solid var(--accent); border-radius: 8px; }
h1 { margin: 0 0 .5rem; font-size: 1.25rem; color: var(--accent); }
p { margin: 0; overflow-wrap: anywhere; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(page.heading)}</h1>
<p>${escapeHtml(page.text)}</p>
</main>
</body>
</html>
`
}
