import { test as base, type BrowserContext, expect, type Page } from '@playwright/test';
import { type DemoServer, startDemo, TEST_STATS_TOKEN } from './next-server';

/** One demo server per worker, caching on, in-memory store. */
export const test = base.extend<{ baseURL: string }, { demo: DemoServer }>({
  demo: [
    async ({}, use) => {
      const server = await startDemo();
      await use(server);
      await server.stop();
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ demo }, use) => use(demo.baseURL),
});

export { expect };

/** The `data-rendered-at` stamp of the first viewlet called `name` on the page. */
export async function stamp(page: Page, name: string): Promise<string> {
  const node = page.locator(`[data-viewlet="${name}"]`).first();
  await expect(node).toBeVisible();
  const value = await node.getAttribute('data-rendered-at');
  expect(value, `${name} has a data-rendered-at stamp`).toMatch(/^\d{4}-\d\d-\d\dT/);
  return value!;
}

/** Stamps of several viewlets at once. */
export async function stamps(page: Page, names: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of names) out[name] = await stamp(page, name);
  return out;
}

/** Signs the context in as a demo user the way a visitor does: /signin issues the signed cookie. */
export async function signIn(context: BrowserContext, user: string): Promise<void> {
  const response = await context.request.get(`/signin?as=${encodeURIComponent(user)}`, { maxRedirects: 0 });
  expect(response.status(), `signing in as ${user}`).toBe(303);
  expect(
    (await context.cookies()).some((c) => c.name === 'demo-user'),
    'the signed user cookie is set',
  ).toBe(true);
}

/** Entries the demo's cache handler has written so far (all stores), from its stats endpoint. */
export async function cacheWrites(page: Page): Promise<number> {
  const response = await page.request.get('/api/viewlets/stats', { headers: { authorization: `Bearer ${TEST_STATS_TOKEN}` } });
  expect(response.status()).toBe(200);
  const report = (await response.json()) as { stores: Record<string, { set: number }> };
  return Object.values(report.stores).reduce((sum, store) => sum + store.set, 0);
}
