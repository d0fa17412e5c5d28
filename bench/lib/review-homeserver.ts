/**
 * The insights bench's homeserver: the test homeserver with `accounts` users of `devices`
 * realistic devices each (two in three verified, most with keys, some with client information).
 *
 * `startReviewHomeserver` runs it in the bench's own process; run as a script
 * (`tsx bench/lib/review-homeserver.ts <accounts> <devices>`) it runs in a process of its own, as a
 * real server would — on another machine, its work never on the client's thread — through
 * ./homeserver-process.ts.
 */
import { newCrossSigningIdentity, newDeviceKeys, verifiedBy } from '../../test/homeserver/cross-signing'
import { serveHomeserverProcess } from './homeserver-process'
import { startHomeserver, type TestHomeserver } from '../../test/homeserver/index'

const DAY = 24 * 3600_000

const USER_AGENTS = [
  'Element X Android/25.04.0 (Google Pixel 8; Android 14; AP2A.240905.003; Sdk 1.0)',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Element/1.11.85 Chrome/128.0.6613.186 Electron/32.2.5 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Element/1.11.4 (iPhone; iOS 17.2; Scale/3.00)',
  'mautrix-go/v0.20.0',
]

/** The users' names and passwords: `user0`/`pw0`, `user1`/`pw1`, … */
export function reviewUsers(accounts: number): Array<{ localpart: string; password: string }> {
  return Array.from({ length: accounts }, (_, i) => ({ localpart: `user${i}`, password: `pw${i}` }))
}

export async function startReviewHomeserver(accounts: number, devices: number): Promise<TestHomeserver> {
  const users = reviewUsers(accounts)
  const hs = await startHomeserver({ users })
  for (const u of users) seedUser(hs, u.localpart, devices)
  return hs
}

function seedUser(hs: TestHomeserver, localpart: string, count: number): void {
  const userId = `@${localpart}:${hs.serverName}`
  const identity = newCrossSigningIdentity(userId)
  hs.setCrossSigningKeys(localpart, { master: identity.masterJson, selfSigning: identity.selfSigningJson, userSigning: identity.userSigningJson })
  const now = Date.now()
  for (let i = 0; i < count; i++) {
    const deviceId = `D${localpart.toUpperCase()}${String(i).padStart(4, '0')}`
    hs.addDevice(localpart, { deviceId, displayName: `Session ${i}`, lastSeenTs: now - ((i * 7919) % 300) * DAY, lastSeenIp: `10.0.${i >> 8}.${i & 255}`, userAgent: USER_AGENTS[i % USER_AGENTS.length]! })
    if (i % 5 !== 4) {
      const keys = newDeviceKeys(userId, deviceId).json
      hs.setDeviceKeys(localpart, deviceId, i % 3 === 2 ? keys : verifiedBy(identity, keys))
    }
    if (i % 4 === 0) hs.setAccountData(localpart, `io.element.matrix_client_information.${deviceId}`, { name: 'Element X Android', version: '25.04.0' })
  }
}

if (import.meta.filename === process.argv[1]) {
  const hs = await startReviewHomeserver(Number(process.argv[2]), Number(process.argv[3]))
  serveHomeserverProcess(hs)
}
