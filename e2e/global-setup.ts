/**
 * Builds the app before the suite (see support/buildRenderer), so both drivers test the current
 * source as it ships. LATCHKEY_E2E_SKIP_BUILD=1 reuses out/ as it is.
 */
import { buildRenderer } from './support/buildRenderer'

export default async function globalSetup(): Promise<void> {
  if (process.env.LATCHKEY_E2E_SKIP_BUILD === '1') return
  await buildRenderer()
}
