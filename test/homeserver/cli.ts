import { parseArgs } from 'node:util'
import { startHomeserver } from './index'
import type { UserSeed } from './types'

// `npm run homeserver -- --port 8448 --user alice:wonderland --user bob:builder [--profile synapse-1.97]`
// Runs the test homeserver by hand (server name "localhost") until Ctrl+C.
// `--oauth` adds the OAuth 2.0 issuer; `--oauth-profile auth-issuer` or `well-known` picks how the
// server announces it (see OAuthProfile in types.ts).

function userSeed(spec: string): UserSeed {
  const colon = spec.indexOf(':')
  if (colon === 0) throw new Error(`"--user ${spec}" needs a name before the colon.`)
  // "name" alone seeds an SSO-only account (no password).
  return colon < 0 ? { localpart: spec } : { localpart: spec.slice(0, colon), password: spec.slice(colon + 1) }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8448' },
      user: { type: 'string', multiple: true, default: [] },
      mas: { type: 'boolean', default: false },
      r0: { type: 'boolean', default: false },
      // Behave like a real release (see ServerProfile): --profile synapse-1.97
      profile: { type: 'string' },
      oauth: { type: 'boolean', default: false },
      'oauth-profile': { type: 'string' },
    },
  })
  const profile = values['oauth-profile']
  if (profile !== undefined && !['auth-metadata', 'auth-issuer', 'well-known'].includes(profile)) {
    throw new Error(`"--oauth-profile ${profile}" is not one of auth-metadata, auth-issuer, well-known.`)
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`"--port ${values.port}" is not a TCP port.`)
  const users = values.user.map(userSeed)
  if (values.profile !== undefined && values.profile !== 'synapse-1.97') throw new Error(`"--profile ${values.profile}" is not a profile this server knows (synapse-1.97).`)
  const hs = await startHomeserver({
    port,
    users,
    mas: values.mas,
    ...(values.profile === 'synapse-1.97' ? { profile: values.profile } : {}),
    ...(values.oauth || profile !== undefined ? { oauth: profile === undefined ? true : { profile: profile as 'auth-metadata' | 'auth-issuer' | 'well-known' } } : {}),
    ...(values.r0 ? { versions: ['r0.5.0', 'r0.6.1'] } : {}),
  })
  console.log(`Test homeserver "${hs.serverName}" listening on ${hs.url}`)
  if (hs.oauth) console.log(`OAuth 2.0 issuer at ${hs.oauth.issuer} (sign in there with a user's name and password)`)
  if (users.length === 0) console.log('No users (add some with --user name:password).')
  for (const user of users) {
    console.log(`  @${user.localpart}:${hs.serverName}${user.password === undefined ? ' (SSO only)' : ' (password)'}`)
  }
  console.log('Press Ctrl+C to stop.')
  const stop = () => {
    void hs.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(1)
})
