// Browser tests of Participe: Playwright driving Debian's Chromium (never a downloaded one).
// Run through ../scripts/test, or by hand:
//   cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci && npx playwright test
// Environment (all optional):
//   PARTICIPE_BIN           the participe binary (else global-setup builds it with go build)
//   PARTICIPE_E2E_DATABASE  postgres://… to run the suite on PostgreSQL (default: a temp SQLite)
//   PARTICIPE_E2E_BASE_URL  test a server that is already running instead of starting one
//   PARTICIPE_E2E_JSON      where the JSON report goes (scripts/test reads it for its summary)
//   PARTICIPE_CHROMIUM      the browser executable (default /usr/bin/chromium)
import { defineConfig } from "@playwright/test";

// Without the background-networking flags Chromium keeps trying to reach Google's hosts,
// which this machine's closed network refuses; --no-sandbox because CI runs as root.
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  "--disable-dev-shm-usage",
];

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  timeout: 180_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  reporter: [
    ["list"],
    ["json", { outputFile: process.env.PARTICIPE_E2E_JSON || "playwright-report/results.json" }],
  ],
  globalSetup: "./global-setup.ts",
  globalTeardown: "./global-teardown.ts",
  use: {
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.PARTICIPE_CHROMIUM || "/usr/bin/chromium",
      args: chromiumArgs,
    },
    locale: "fr-CA",
    timezoneId: "America/Toronto",
    trace: "off",
    screenshot: "only-on-failure",
    navigationTimeout: 30_000,
    actionTimeout: 10_000,
  },
  projects: [
    {
      name: "desktop",
      use: { viewport: { width: 1280, height: 800 } },
    },
    {
      name: "mobile",
      use: {
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 1,
        isMobile: true,
        hasTouch: true,
      },
      // Response headers and error pages do not depend on the screen.
      testIgnore: /errors\.spec\.ts/,
    },
  ],
});
