/**
 * One suite, two drivers (ARCHITECTURE.md). `chromium`: the built renderer in Debian Chromium with
 * `window.latchkey` bound to the real SessionService in the test process. `electron`: the same
 * specs through the real app, where an Electron binary exists (otherwise each reports skipped).
 */
import { defineConfig } from '@playwright/test'
import type { DriverOptions } from './e2e/fixtures'

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1'

export default defineConfig<DriverOptions>({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  globalSetup: './e2e/global-setup.ts',
  timeout: 45_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  reporter: [['list'], ['./e2e/support/skipReporter.ts']],
  use: {
    viewport: { width: 1120, height: 760 },
    actionTimeout: 10_000,
    screenshot: 'only-on-failure',
    trace: 'off',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        driver: 'chromium',
        browserName: 'chromium',
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
    { name: 'electron', use: { driver: 'electron' } },
  ],
})
