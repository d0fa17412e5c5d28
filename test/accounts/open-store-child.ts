/** Opens the secret store in a fresh process (whose D-Bus environment a test controls) and prints what it chose. */
import { openSecretStore } from '../../src/main/accounts/open-secret-store'

const service = process.argv[2] ?? 'Latchkey-test-probe'
const { store, notice } = await openSecretStore({ service, probeTimeoutMs: 5000 })
process.stdout.write(`${JSON.stringify({ kind: store.kind, notice: notice ?? null })}\n`)
