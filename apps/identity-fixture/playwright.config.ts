import { defineConfig } from '@playwright/test';
import demo from '../demo/playwright.config';

// The demo's settings (one worker, Debian chromium, no retries); every spec starts its own
// `next start` of this app (see e2e/support/fixture-server.ts), which must have been built first.
export default defineConfig({
  ...demo,
  testDir: './e2e',
  reporter: [['list'], ['json', { outputFile: '../../reports/e2e-identity-fixture.json' }]],
});
