// A Node module-loader hook (module.register) that answers `import 'electron'` with the stand-in,
// so the built main bundle runs in plain Node. Registered only inside the boot test's child process.
const STAND_IN = new URL('./stand-in.mjs', import.meta.url).href
// A slow keychain, only when the test asks for one (see ./stand-in-keytar.mjs).
const STAND_IN_KEYTAR = process.env.LATCHKEY_STAND_IN_KEYCHAIN_MS ? new URL('./stand-in-keytar.mjs', import.meta.url).href : undefined

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron') return { url: STAND_IN, shortCircuit: true }
  if (specifier === 'keytar' && STAND_IN_KEYTAR) return { url: STAND_IN_KEYTAR, shortCircuit: true }
  return nextResolve(specifier, context)
}
