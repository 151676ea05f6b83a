import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './e2e/support/browser';

// Every spec starts its own `next start` (see e2e/support/next-server.ts): the
// demo must have been built first (`npm run build`).
export default defineConfig({
  testDir: './e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: '../../reports/e2e-demo.json' }]],
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions(),
    trace: 'retain-on-failure',
  },
});
