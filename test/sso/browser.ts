// A browser for the SSO tests, in fetch: follows redirects by hand (so every hop is a real request
// to the test homeserver or the loopback listener) and submits the first HTML form it meets, the
// way a person would press a button. Test support only; not exported from index.ts.

export interface FormChoice {
  /** Which button to press, by its value ("continue" or "cancel" on the test homeserver's pages). */
  decision?: string
  /** How many forms to submit in a row (a sign-in page, then a confirmation). Default 1. */
  forms?: number
  /** Values for the form's selects and inputs, by name (e.g. `user: '@alice:localhost'`). */
  fields?: Record<string, string>
}

export interface Visit {
  /** Every URL the browser requested, in order. */
  readonly urls: string[]
  /** Where it stopped, and what it showed there. */
  readonly status: number
  readonly url: string
  readonly text: string
  readonly html: string
}

/**
 * A person at the system browser: each page Latchkey opens is visited (after `afterMs`) and its
 * first form submitted with `choice`, as `openExternal` would hand it to a real browser.
 */
export function aPersonAtTheBrowser(choice: FormChoice = {}, afterMs?: number) {
  const visits: Promise<Visit>[] = []
  const opened: string[] = []
  return {
    opened,
    /** The browser's last page, once it has loaded. */
    get lastVisit(): Promise<Visit> {
      const visit = visits[visits.length - 1]
      if (!visit) throw new Error('the browser was never opened')
      return visit
    },
    openExternal: async (url: string): Promise<void> => {
      opened.push(url)
      const wait = afterMs === undefined ? Promise.resolve() : new Promise<void>((resolve) => setTimeout(resolve, afterMs))
      const visit = wait.then(() => browse(url, choice))
      visit.catch(() => {})
      visits.push(visit)
    },
  }
}

/**
 * Visits `url`, submits the first form met with `choice` (or the first `choice.forms`), follows
 * redirects, and returns the last page. Cookies are kept for the visit, per host, as a browser
 * keeps them (an OAuth server's sign-in pages need them).
 */
export async function browse(url: string, choice: FormChoice = {}, signal?: AbortSignal): Promise<Visit> {
  const urls: string[] = []
  const jar = new Map<string, Map<string, string>>()
  let request: { url: string; method: string; body?: string } = { url, method: 'GET' }
  let submitted = 0
  const forms = choice.forms ?? 1
  for (let hop = 0; hop < 20; hop++) {
    urls.push(request.url)
    const host = new URL(request.url).hostname
    const cookies = jar.get(host) ?? new Map<string, string>()
    jar.set(host, cookies)
    const headers: Record<string, string> = {}
    if (request.body !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded'
    if (cookies.size > 0) headers['Cookie'] = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    const response = await fetch(request.url, {
      method: request.method,
      redirect: 'manual',
      headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      ...(signal ? { signal } : {}),
    })
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const eq = pair?.indexOf('=') ?? -1
      if (pair === undefined || eq <= 0) continue
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (/;\s*max-age=0/i.test(line) || /;\s*expires=Thu, 01 Jan 1970/i.test(line)) cookies.delete(name)
      else cookies.set(name, value)
    }
    const html = await response.text()
    const location = response.headers.get('location')
    if (response.status >= 300 && response.status < 400 && location !== null) {
      request = { url: new URL(location, request.url).href, method: 'GET' }
      continue
    }
    const form = submitted >= forms ? undefined : readForm(html, request.url, choice)
    if (form === undefined) return { urls, status: response.status, url: request.url, text: pageText(html), html }
    submitted += 1
    request = form
  }
  throw new Error(`browse: more than 20 hops from ${url}`)
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

export function decodeEntities(text: string): string {
  return text.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16))
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)))
    return ENTITIES[name.toLowerCase()] ?? whole
  })
}

function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag)
  return m?.[1] === undefined ? undefined : decodeEntities(m[1])
}

/** The request a browser would send for the page's first form, or undefined when it has none. */
function readForm(html: string, pageUrl: string, choice: FormChoice): { url: string; method: string; body?: string } | undefined {
  const form = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html)
  if (!form?.[1]) return undefined
  const open = form[0].slice(0, form[0].indexOf('>') + 1)
  const inner = form[1]
  const params = new URLSearchParams()
  for (const input of inner.match(/<input\b[^>]*>/gi) ?? []) {
    const name = attribute(input, 'name')
    if (name !== undefined) params.append(name, choice.fields?.[name] ?? attribute(input, 'value') ?? '')
  }
  for (const select of inner.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
    const name = attribute(select[0], 'name')
    if (name === undefined) continue
    const first = /<option\b[^>]*>/i.exec(select[2] ?? '')
    params.append(name, choice.fields?.[name] ?? (first ? (attribute(first[0], 'value') ?? '') : ''))
  }
  const buttons = [...inner.matchAll(/<button\b[^>]*>/gi)].map((b) => ({ name: attribute(b[0], 'name'), value: attribute(b[0], 'value') }))
  const pressed = choice.decision === undefined ? buttons[0] : buttons.find((b) => b.value === choice.decision)
  if (choice.decision !== undefined && !pressed) throw new Error(`browse: no "${choice.decision}" button on ${pageUrl}`)
  if (pressed?.name !== undefined) params.append(pressed.name, pressed.value ?? '')
  const method = (attribute(open, 'method') ?? 'get').toUpperCase()
  const action = new URL(attribute(open, 'action') ?? pageUrl, pageUrl)
  if (method === 'GET') {
    action.search = params.toString()
    return { url: action.href, method }
  }
  return { url: action.href, method, body: params.toString() }
}

/** The visible text of a page: tags and scripts dropped, entities decoded, white space folded. */
export function pageText(html: string): string {
  return decodeEntities(
    html
      .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]+>/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim()
}
