import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from '@playwright/test'
import { UNREACHABLE_RATE_LIMITS } from './e2e/rate-limit-env'

/**
 * End-to-end tests: the production build (`npm run build` first) served by `node server.js` on its
 * own port and its own database, driven through Debian's Chromium (Playwright cannot download
 * browsers here). `npm run test:e2e` checks that Chromium is installed before it starts.
 */
const root = path.dirname(fileURLToPath(import.meta.url))
const port = Number(process.env.E2E_PORT || 3210)
const baseURL = `http://localhost:${port}`

/**
 * The e2e server's database: a git-ignored file (/data), emptied before the server starts
 * (e2e/reset-database.js) and migrated by the server at start. The fixtures open the same file
 * to create users and sessions; ~/utils/db.server opens DATABASE_PATH as soon as it is imported,
 * so it is set here, before any test file loads (the config is evaluated in every worker first).
 */
const databasePath = path.join(root, 'data', 'e2e', 'concord-e2e.db')
process.env.DATABASE_PATH = databasePath

export default defineConfig({
  testDir: './e2e',
  // One worker: the machine has two cores and the server needs one of them.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // Generous: on a busy two-core machine one axe scan took 2 to 9 seconds.
  timeout: 60_000,
  expect: { timeout: 5_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL,
    browserName: 'chromium',
    viewport: { width: 1280, height: 720 },
    // Accept-Language follows the locale; the specs that test detection set their own.
    locale: 'en-US',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    // Playwright runs this through a shell; the first step empties the database and checks the build.
    command: 'node e2e/reset-database.js && node server.js',
    url: `${baseURL}/healthz`,
    // Never reuse a server started elsewhere: it would not be reading this run's database.
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    env: {
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: databasePath,
      // Rate limits out of reach (e2e/rate-limits.spec.ts tests them on a server of its own).
      ...UNREACHABLE_RATE_LIMITS,
      // No INSECURE_COOKIES: Chromium keeps Secure cookies on http://localhost, so the e2e server
      // sends the same cookies as production does.
    },
  },
})
