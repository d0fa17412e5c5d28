// Deep links into the account management web page (spec v1.18 "Account management URL actions"):
// servers that use the OAuth 2.0 API (MAS) end devices there, not through the client API.

import type { AuthMetadata } from './endpoints/index'

export type AccountManagementAction =
  | 'org.matrix.profile'
  | 'org.matrix.devices_list'
  | 'org.matrix.device_view'
  | 'org.matrix.device_delete'
  | 'org.matrix.account_deactivate'
  | 'org.matrix.cross_signing_reset'

/**
 * The account page, with `action` (and `device_id`) when the server lists that action as supported
 * or lists no actions at all; the bare page when it lists others only. Undefined if it has no page.
 */
export function accountManagementUrl(
  metadata: Pick<AuthMetadata, 'accountManagementUri' | 'accountManagementActionsSupported'>,
  action?: AccountManagementAction | string,
  deviceId?: string,
): string | undefined {
  const base = metadata.accountManagementUri
  if (!base || !URL.canParse(base)) return undefined
  const url = new URL(base)
  const supported = metadata.accountManagementActionsSupported
  if (action && (!supported || supported.includes(action))) {
    url.searchParams.set('action', action)
    if (deviceId !== undefined) url.searchParams.set('device_id', deviceId)
  }
  return url.toString()
}
