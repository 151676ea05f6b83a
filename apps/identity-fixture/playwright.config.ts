import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../demo/e2e/support/browser';

// Every spec starts its own `next start` of this app (see e2e/support/fixture-server.ts):
// it must have been built first (`npm run build`). Chromium flags are the demo's.
export default defineConfig({
  testDir: './e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: '../../reports/e2e-identity-fixture.json' }]],
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions(),
    trace: 'retain-on-failure',
  },
});
