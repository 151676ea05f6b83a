import { test as base, expect } from '@playwright/test';
import { startDemo, type DemoServer } from './support/next-server';
import { stamps } from './support/fixtures';

const test = base.extend<{ baseURL: string }, { demo: DemoServer }>({
  demo: [
    async ({}, use) => {
      const server = await startDemo({ VIEWLET_CACHE: 'off', DEMO_RENDER_DELAY_MS: '50' });
      await use(server);
      await server.stop();
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ demo }, use) => use(demo.baseURL),
});

test('with caching disabled every load re-renders every viewlet', async ({ page }) => {
  const names = ['site-nav', 'account-panel', 'breadcrumbs', 'product-teaser', 'member-price', 'stock-level'];
  await page.goto('/products/1');
  const first = await stamps(page, names);
  await page.reload();
  const second = await stamps(page, names);
  for (const name of names) expect(second[name], name).not.toBe(first[name]);
  const loaded = page.locator('[data-viewlet="stock-level"]');
  await expect(loaded).not.toHaveAttribute('data-loaded-at', (await loaded.getAttribute('data-loaded-at'))!.replace(/.$/, 'x'));
});
