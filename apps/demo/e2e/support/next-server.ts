/** The demo under `next start`, for the e2e suites. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { signCookieValue } from 'next-viewlet/core';
import { freePort, startNext, type NextServer } from '../../../../scripts/lib/next-server.mjs';

export { freePort };
export type DemoServer = NextServer;

const demoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The webhook secret every test server gets (a test-only value). */
export const TEST_WEBHOOK_SECRET = 'whsec_dGVzdC1vbmx5LXNlY3JldC1mb3ItZTJlLXRlc3RzLTMyYg==';

/** The stats token every test server gets (a test-only value). */
export const TEST_STATS_TOKEN = 'test-only-stats-token-0123456789abcdef';

/** The cookie secret every test server gets (a test-only value). */
export const TEST_COOKIE_SECRET = 'test-only-demo-cookie-secret-0123456789abcdef';

/** A demo cookie's value as the demo signs it (`demo-user`, `demo-session`), for clients that send cookies themselves. */
export function signedDemoCookie(name: 'demo-user' | 'demo-session', value: string): string {
  return signCookieValue({ name, secrets: [TEST_COOKIE_SECRET] }, value);
}

export function startDemo(env: Record<string, string> = {}, port?: number): Promise<DemoServer> {
  return startNext({
    appDir: demoDir,
    env: {
      VIEWLET_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      VIEWLET_STATS_TOKEN: TEST_STATS_TOKEN,
      DEMO_COOKIE_SECRET: TEST_COOKIE_SECRET,
      ...env,
    },
    readyPath: '/signin',
    ...(port ? { port } : {}),
  });
}
