/** Sign-in with a user identifier and password (`m.login.password`). */
import type { MatrixClient, UserIdentifier } from '../matrix'
import { credentialsFrom, type Credentials } from './credentials'

export interface PasswordSignIn {
  identifier: UserIdentifier
  password: string
  /** Sign in again as this device (after a soft logout), keeping its id. */
  deviceId?: string
  deviceName?: string
}

/** Signs in on `client`'s server; the client adopts the new session. Throws MatrixError. */
export async function signInWithPassword(client: MatrixClient, request: PasswordSignIn): Promise<Credentials> {
  const result = await client.login({
    type: 'password',
    identifier: request.identifier,
    password: request.password,
    refreshToken: true,
    ...(request.deviceId === undefined ? {} : { deviceId: request.deviceId }),
    ...(request.deviceName === undefined ? {} : { initialDeviceDisplayName: request.deviceName }),
  })
  return credentialsFrom(client, result)
}
