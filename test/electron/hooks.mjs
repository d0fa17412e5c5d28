// A Node module-loader hook (module.register) that answers `import 'electron'` with the stand-in,
// so the built main bundle runs in plain Node. Registered only inside the boot test's child process.
const STAND_IN = new URL('./stand-in.mjs', import.meta.url).href

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron') return { url: STAND_IN, shortCircuit: true }
  return nextResolve(specifier, context)
}
