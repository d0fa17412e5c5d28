// A stand-in for keytar, for the boot test: an in-memory keychain that takes
// LATCHKEY_STAND_IN_KEYCHAIN_MS to answer each call, as a slow or locked keychain does at start-up.
// It records when the first answer came (`standInKeychain.answeredAt`, performance.now()).
// Loaded in place of 'keytar' by ./hooks.mjs only when that variable is set.
const delayMs = Number(process.env.LATCHKEY_STAND_IN_KEYCHAIN_MS ?? 0)
const entries = new Map()
const key = (service, account) => `${service}\n${account}`

export const standInKeychain = { answeredAt: undefined }

async function answer(value) {
  await new Promise((resolve) => setTimeout(resolve, delayMs))
  standInKeychain.answeredAt ??= performance.now()
  return value
}

export default {
  getPassword: (service, account) => answer(entries.get(key(service, account)) ?? null),
  setPassword: (service, account, password) => answer(void entries.set(key(service, account), password)),
  deletePassword: (service, account) => answer(entries.delete(key(service, account))),
  findCredentials: (service) =>
    answer([...entries].filter(([k]) => k.startsWith(`${service}\n`)).map(([k, password]) => ({ account: k.slice(service.length + 1), password }))),
}
