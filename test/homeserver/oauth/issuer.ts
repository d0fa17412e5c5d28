import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { Readable } from 'node:stream'
import Provider, { interactionPolicy, type Adapter, type KoaContextLike } from 'oidc-provider'
import providerState from 'oidc-provider/lib/helpers/weak_cache.js'
import { deviceCodePage, messagePage, oauthLoginPage } from '../pages'
import type { HomeserverState } from '../state'
import { MemoryAdapterStore } from './adapter'
import { deviceOfScope } from './scopes'

// The test homeserver's OAuth 2.0 authorisation server: oidc-provider (a certified OpenID
// provider) on 127.0.0.1, in the test process, with the homeserver's users as its accounts. It
// offers what the Matrix spec asks of one (dynamic registration with loopback redirect URIs on any
// port, PKCE S256, refresh-token rotation, revocation, the device authorisation grant) plus token
// introspection, which the homeserver uses to accept its access tokens, as Synapse does with MAS.

export interface IssuerOptions {
  serverName: string
  state: HomeserverState
  /** Where the person manages their account (the homeserver serves it). */
  accountManagementUri: () => string
  accessTokenTtlSeconds: number
  deviceGrant: boolean
  deviceCodeTtlSeconds: number
  /** The `interval` of device authorisation answers, in seconds. */
  deviceIntervalSeconds: number
  /** Answer `slow_down` to this many device-code polls, whatever their pace (then count down). */
  slowDownPolls: number
  /** Answer `slow_down` to a poll that comes sooner than the interval (RFC 8628 §3.5). */
  enforceInterval: boolean
  /** The API scope tokens the issuer advertises in `scopes_supported`. */
  apiScopes: string[]
}

export interface IntrospectedToken {
  active: boolean
  sub?: string
  scope?: string
  clientId?: string
}

export const ACCOUNT_MANAGEMENT_ACTIONS = [
  'org.matrix.profile',
  'org.matrix.devices_list',
  'org.matrix.device_view',
  'org.matrix.device_delete',
  'org.matrix.cross_signing_reset',
]

export class OAuthIssuer {
  /** With a trailing slash, as MAS writes its issuer. */
  issuer = ''
  readonly store = new MemoryAdapterStore(deviceOfScope)
  /** Grants whose tokens were revoked: the homeserver ends their devices. */
  onGrantRevoked: (accountId: string, deviceId: string) => void = () => {}
  /** The issuer's metadata (its OpenID discovery document), as the homeserver serves it. */
  metadata: Record<string, unknown> = {}
  /** Every access and refresh token the issuer handed out (for the token-confinement scans). */
  readonly issued = new Set<string>()
  /** Bodies of the registration requests the issuer received, newest last. */
  readonly registrations: Array<Record<string, unknown>> = []
  private provider!: Provider
  /** oidc-provider's own Set of known scope tokens (see admitDeviceScope). */
  private knownScopes!: Set<string>
  private readonly server: Server
  private readonly sockets = new Set<Socket>()
  private readonly introspectionSecret = randomBytes(24).toString('base64url')
  private readonly lastPoll = new Map<string, number>()

  constructor(private readonly options: IssuerOptions) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        console.error('test issuer: failed to answer a request', error)
        if (!res.headersSent) res.writeHead(500).end()
        else res.destroy()
      })
    })
    this.server.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(0, '127.0.0.1', () => resolve())
    })
    const address = this.server.address()
    if (!address || typeof address === 'string') throw new Error('The test issuer did not get a TCP port.')
    this.issuer = `http://127.0.0.1:${address.port}/`
    this.provider = this.makeProvider()
    const discovery = await fetch(`${this.issuer}.well-known/openid-configuration`)
    this.metadata = (await discovery.json()) as Record<string, unknown>
  }

  slowDownNextPolls(count: number): void {
    this.options.slowDownPolls = count
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const socket of this.sockets) socket.destroy()
    this.server.closeAllConnections()
    await closed
  }

  /** RFC 7662 over HTTP, authenticated as the homeserver's own confidential client. */
  async introspect(token: string): Promise<IntrospectedToken> {
    const response = await fetch(`${this.issuer}token/introspection`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`homeserver:${this.introspectionSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
    })
    if (!response.ok) throw new Error(`introspection answered ${response.status}`)
    const body = (await response.json()) as Record<string, unknown>
    const out: IntrospectedToken = { active: body['active'] === true }
    if (typeof body['sub'] === 'string') out.sub = body['sub']
    if (typeof body['scope'] === 'string') out.scope = body['scope']
    if (typeof body['client_id'] === 'string') out.clientId = body['client_id']
    return out
  }

  /** Revokes every token and code issued for this device (the account page signed it out). */
  async endDevice(accountId: string, deviceId: string): Promise<void> {
    for (const grantId of this.store.grantsOf((payload) => payload['accountId'] === accountId && deviceOfScope(payload['scope']) === deviceId)) {
      await this.store.revokeByGrantId(grantId)
    }
  }

  /** Forgets every dynamically registered client, as a server that prunes idle registrations does. */
  forgetClients(): void {
    this.store.destroyModel('Client', (payload) => payload['client_id'] !== 'homeserver')
  }

  /** Client ids registered so far (the homeserver's own excluded). */
  clientIds(): string[] {
    return this.store.payloadsOf('Client').map((p) => String(p['client_id'])).filter((id) => id !== 'homeserver')
  }

  /** The refresh tokens the issuer still honours (for tests: rotation and revocation). */
  liveRefreshTokens(): number {
    return this.store.payloadsOf('RefreshToken').filter((p) => p['consumed'] === undefined).length
  }

  private makeProvider(): Provider {
    const { options, store } = this
    const policy = interactionPolicy.base()
    // prompt=create (OpenID Connect Prompt Create 1.0): the page offers a new account.
    policy.add(new interactionPolicy.Prompt({ name: 'create', requestable: true }), 0)
    const provider = new Provider(this.issuer, {
      adapter: (model: string): Adapter => store.adapter(model),
      clients: [
        {
          client_id: 'homeserver',
          client_secret: this.introspectionSecret,
          grant_types: [],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      findAccount: (_ctx: unknown, id: string) =>
        options.state.users.has(id) ? { accountId: id, claims: () => ({ sub: id }) } : undefined,
      cookies: { keys: [randomBytes(16).toString('hex')] },
      jwks: jwks(),
      features: {
        devInteractions: { enabled: false },
        registration: { enabled: true },
        revocation: { enabled: true },
        introspection: {
          enabled: true,
          // Only the homeserver may introspect.
          allowedPolicy: (_ctx: unknown, client: { clientId: string }) => client.clientId === 'homeserver',
        },
        deviceFlow: {
          enabled: options.deviceGrant,
          userCodeInputSource: (ctx: KoaContextLike, form: string, _out: unknown, err: unknown) => {
            ctx.type = 'html'
            ctx.body = deviceCodePage(
              `Connect a device to ${options.serverName}`,
              'Enter the code your device shows.',
              form,
              err ? 'That code is not right, or it has expired. Try again.' : undefined,
            )
          },
          userCodeConfirmSource: (ctx: KoaContextLike, form: string, client: { clientName?: string }, _info: unknown, userCode: string) => {
            ctx.type = 'html'
            ctx.body = deviceCodePage(
              `Connect ${client.clientName ?? 'a device'}`,
              `Your device should show the code ${userCode}. Continue only if it does.`,
              form,
            )
          },
          successSource: (ctx: KoaContextLike) => {
            ctx.type = 'html'
            ctx.body = messagePage('Device connected', 'You can close this page and return to your device.')
          },
        },
        rpInitiatedLogout: { enabled: false },
      },
      pkce: { required: () => true },
      responseTypes: ['code'],
      scopes: ['openid', ...options.apiScopes],
      clientDefaults: { grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none' },
      issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
      rotateRefreshToken: true,
      revokeGrantPolicy: () => true,
      ttl: {
        AccessToken: options.accessTokenTtlSeconds,
        AuthorizationCode: 60,
        DeviceCode: options.deviceCodeTtlSeconds,
        RefreshToken: 14 * 24 * 3600,
        Grant: 14 * 24 * 3600,
        Interaction: 3600,
        Session: 3600,
        IdToken: 3600,
      },
      interactions: { policy, url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      discovery: {
        account_management_uri: options.accountManagementUri(),
        account_management_actions_supported: ACCOUNT_MANAGEMENT_ACTIONS,
        prompt_values_supported: ['create'],
      },
      renderError: (ctx: KoaContextLike, out: { error: string; error_description?: string }) => {
        ctx.type = 'html'
        ctx.body = messagePage('Sign-in failed', `${out.error}: ${out.error_description ?? ''}`)
      },
    })
    provider.on('grant.revoked', (_ctx: unknown, grantId: unknown) => {
      const who = store.grantOwners.get(String(grantId))
      if (who?.deviceId) this.onGrantRevoked(who.accountId, who.deviceId)
    })
    provider.use(async (ctx, next) => {
      await next()
      const body = (ctx.oidc as { body?: Record<string, unknown> } | undefined)?.body
      if (ctx.path === '/reg' && ctx.method === 'POST' && body) this.registrations.push({ ...body })
      if (ctx.path === '/token' && ctx.method === 'POST' && body) this.paceDeviceCodePoll(ctx, body)
      if (ctx.path === '/token' && ctx.status === 200 && isRecord(ctx.body)) {
        for (const field of ['access_token', 'refresh_token']) if (typeof ctx.body[field] === 'string') this.issued.add(ctx.body[field])
      }
      if (ctx.path === '/.well-known/openid-configuration' && isRecord(ctx.body) && Array.isArray(ctx.body['scopes_supported'])) {
        ctx.body = { ...ctx.body, scopes_supported: ['openid', ...options.apiScopes] }
      }
      // RFC 8628 §3.2: oidc-provider leaves `interval` out (clients then assume 5 s).
      if (ctx.path === '/device/auth' && ctx.status === 200 && isRecord(ctx.body)) {
        ctx.body = { ...ctx.body, interval: options.deviceIntervalSeconds }
      }
    })
    this.knownScopes = (providerState(provider) as { configuration: { scopes: Set<string> } }).configuration.scopes
    return provider
  }

  /**
   * oidc-provider keeps only the scope tokens it knows (a Set of static values, checked at every
   * grant), so a device token (urn:matrix:client:device:<any id>) would be dropped. Each one
   * requested becomes known before the provider reads the request; scopes_supported is filtered
   * back to the static ones.
   */
  private admitDeviceScope(scope: string | null | undefined): void {
    for (const token of (scope ?? '').split(' ')) if (deviceOfScope(token) !== undefined) this.knownScopes.add(token)
  }

  /**
   * RFC 8628 §3.5 `slow_down`, scripted (the first `slowDownPolls` polls) or paced (a poll sooner
   * than the interval). Only a poll that was still pending is turned into one, so nothing the
   * provider did is hidden.
   */
  private paceDeviceCodePoll(ctx: KoaContextLike, body: Record<string, unknown>): void {
    if (body['grant_type'] !== 'urn:ietf:params:oauth:grant-type:device_code') return
    const code = String(body['device_code'] ?? '')
    const now = Date.now()
    const last = this.lastPoll.get(code)
    this.lastPoll.set(code, now)
    if (!isRecord(ctx.body) || ctx.body['error'] !== 'authorization_pending') return
    const tooSoon = this.options.enforceInterval && last !== undefined && now - last < this.options.deviceIntervalSeconds * 1000 * 0.8
    if (this.options.slowDownPolls <= 0 && !tooSoon) return
    if (this.options.slowDownPolls > 0) this.options.slowDownPolls -= 1
    ctx.status = 400
    ctx.body = { error: 'slow_down', error_description: 'Poll less often.' }
  }

  /** While true, every request answers 503 (an issuer that is down). */
  down = false

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.down) {
      res.writeHead(503, { 'Content-Type': 'text/plain' }).end('down for maintenance')
      return
    }
    const url = new URL(req.url ?? '/', this.issuer)
    const interaction = /^\/interaction\/([^/]+)$/.exec(url.pathname)
    if (interaction) return this.interaction(req, res)
    if (req.method === 'GET' && url.pathname === '/auth') this.admitDeviceScope(url.searchParams.get('scope'))
    if (req.method === 'POST' && url.pathname === '/device/auth') {
      // The scope is in the form body: read it, then hand the provider the same bytes.
      const body = await readText(req)
      this.admitDeviceScope(new URLSearchParams(body).get('scope'))
      const replay = Object.assign(Readable.from([Buffer.from(body, 'utf8')]), {
        headers: req.headers, rawHeaders: req.rawHeaders, method: req.method, url: req.url,
        socket: req.socket, connection: req.socket, httpVersion: req.httpVersion,
        httpVersionMajor: req.httpVersionMajor, httpVersionMinor: req.httpVersionMinor, complete: true, aborted: false,
      })
      this.provider.callback()(replay as unknown as IncomingMessage, res)
      return
    }
    this.provider.callback()(req, res)
  }

  /** The sign-in page: log in (or create the account) and allow the client, in one form. */
  private async interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await this.provider.interactionDetails(req, res)
    const params = details.params
    const create = typeof params['prompt'] === 'string' && params['prompt'].split(' ').includes('create')
    const mode = details.prompt.name === 'consent' ? 'consent' : create ? 'create' : 'login'
    const clientName = await this.clientName(String(params['client_id'] ?? ''))
    const hint = typeof params['login_hint'] === 'string' ? localpartOf(params['login_hint']) : undefined
    const pageInput = { action: `/interaction/${details.uid}`, serverName: this.options.serverName, clientName, mode } as const
    if (req.method !== 'POST') return sendHtml(res, 200, oauthLoginPage({ ...pageInput, ...(hint ? { username: hint } : {}) }))

    const form = new URLSearchParams(await readText(req))
    if (form.get('decision') === 'cancel') {
      return this.provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The person cancelled the sign-in.' }, { mergeWithLastSubmission: false })
    }
    let accountId = details.session?.accountId
    if (mode !== 'consent') {
      const username = (form.get('username') ?? '').trim()
      const password = form.get('password') ?? ''
      const localpart = localpartOf(username)
      const again = (problem: string) => sendHtml(res, 200, oauthLoginPage({ ...pageInput, username, problem }))
      if (mode === 'create') {
        if (!/^[a-z0-9._=-]+$/.test(localpart)) return again('Choose a username of lower-case letters, digits, dots, dashes or underscores.')
        if (this.options.state.users.has(localpart)) return again('That username is taken.')
        if (password.length < 4) return again('Choose a password of at least 4 characters.')
        this.options.state.addUser({ localpart, password })
      } else {
        const user = this.options.state.users.get(localpart)
        if (!user || user.password === undefined || user.password !== password) return again('Wrong username or password.')
      }
      accountId = localpart
    }
    if (!accountId) return sendHtml(res, 400, messagePage('Sign-in failed', 'Nobody is signed in.'))
    const grant = new this.provider.Grant({ accountId, clientId: String(params['client_id']) })
    grant.addOIDCScope(String(params['scope'] ?? ''))
    const grantId = await grant.save()
    // The session's device exists from the sign-in on (MAS makes it then), not from its first use.
    const deviceId = deviceOfScope(params['scope'])
    const user = this.options.state.users.get(accountId)
    if (deviceId !== undefined && user) this.options.state.ensureDevice(user, deviceId, undefined)
    await this.provider.interactionFinished(
      req,
      res,
      { login: { accountId }, consent: { grantId }, ...(create ? { create: {} } : {}) },
      { mergeWithLastSubmission: false },
    )
  }

  private async clientName(clientId: string): Promise<string> {
    const payload = await this.store.adapter('Client').find(clientId)
    const name = payload?.['client_name']
    return typeof name === 'string' && name !== '' ? name : 'An application'
  }
}

/**
 * One signing key per test process (an RSA key takes a moment to make): without one, oidc-provider
 * uses its development keys and says so on every start.
 */
let signingKeys: { keys: Array<Record<string, unknown>> } | undefined
function jwks(): { keys: Array<Record<string, unknown>> } {
  if (!signingKeys) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    signingKeys = { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-issuer', use: 'sig', alg: 'RS256' }] }
  }
  return { keys: signingKeys.keys.map((k) => ({ ...k })) }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** "alice", "@alice:localhost" → "alice". */
function localpartOf(who: string): string {
  const m = /^@([^:]+):/.exec(who.trim())
  return (m?.[1] ?? who.trim()).toLowerCase()
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  })
  res.end(html)
}
