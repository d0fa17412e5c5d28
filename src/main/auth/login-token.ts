/**
 * Sign-in with a single-use login token (`m.login.token`): one made by another signed-in device
 * (`POST /login/get_token`, the QR code) or the one an SSO redirect delivers.
 */
import type { MatrixClient } from '../matrix'
import { credentialsFrom, type Credentials } from './credentials'

export interface TokenSignIn {
  token: string
  /** Sign in again as this device (SSO re-login after a soft logout), keeping its id. */
  deviceId?: string
  deviceName?: string
}

export async function signInWithLoginToken(client: MatrixClient, request: TokenSignIn): Promise<Credentials> {
  const result = await client.login({
    type: 'token',
    token: request.token,
    refreshToken: true,
    ...(request.deviceId === undefined ? {} : { deviceId: request.deviceId }),
    ...(request.deviceName === undefined ? {} : { initialDeviceDisplayName: request.deviceName }),
  })
  return credentialsFrom(client, result)
}
