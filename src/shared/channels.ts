/**
 * The names of every call and event, kept apart from the schemas so that the preload script and
 * the renderer can list them without bundling zod. `contract.ts` checks that its tables cover
 * exactly these names.
 */
export const CALL_NAMES = [
  'listAccounts',
  'discover',
  'addWithPassword',
  'addWithLoginToken',
  'beginSso',
  'completeSso',
  'cancelSso',
  'setActive',
  'reorder',
  'relabel',
  'checkAll',
  'reLogin',
  'avatar',
  'listDevices',
  'renameDevice',
  'signOutDevices',
  'logout',
  'logoutAll',
  'forget',
  'generateLoginToken',
  // Issue 12: settings
  'getSettings',
  'setSettings',
  // issue 11
  'review',
  'markDevicesSeen',
  'signOutInactive',
  'takeNewDeviceReports',
  'acknowledgeIdentity',
  // Issue 10: OAuth 2.0 sign-in
  'beginOAuth',
  'beginDeviceCode',
] as const

export const EVENT_NAMES = [
  'accountsChanged',
  'devicesChanged',
  'progress',
  'notice',
  // issue 9 §5: a latchkey://login?… link opened from outside
  'loginLink',
  // issue 11: devices that appeared on an account, and a click on their notification
  'newDevices',
  'openDevice',
] as const

export type CallName = (typeof CALL_NAMES)[number]
export type EventName = (typeof EVENT_NAMES)[number]

/** The IPC channel of a call or event: one namespace, so nothing else can collide with it. */
export const ipcChannel = (name: CallName | EventName): string => `latchkey:${name}`

export function isCallName(value: unknown): value is CallName {
  return typeof value === 'string' && (CALL_NAMES as readonly string[]).includes(value)
}
