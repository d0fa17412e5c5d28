/** The sections of an account, as tabs. */
export type Tab = 'devices' | 'token' | 'settings'
