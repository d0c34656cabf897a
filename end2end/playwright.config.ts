import { defineConfig, devices } from "@playwright/test";

// The server is started by scripts/test (release build, fresh SQLite file,
// a copy of the content); BASE_URL points at it.
const baseURL = process.env.BASE_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  testDir: "./tests",
  // A test loads several hydrated pages and may run axe over large explorers;
  // on a two-core CI machine running two workers that takes tens of seconds.
  // Waits inside tests stay explicit (expect timeouts); this is the ceiling.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 2 : undefined,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], channel: undefined } },
    {
      name: "mobile-360",
      use: { ...devices["Desktop Chrome"], channel: undefined, viewport: { width: 360, height: 740 } },
      testMatch: /responsive\.spec\.ts/,
    },
  ],
});
