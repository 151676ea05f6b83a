/**
 * /dashboard in Chromium: policies in words, counters that move while the page
 * stays open, a chart drawn from the polls, invalidations whose effect the next
 * page load shows, on the memory store and on a real redis-server.
 */
import { test as base, type Locator, type Page, type TestInfo } from '@playwright/test';
import { startRedis, type RedisServer } from '../../../scripts/lib/redis-server.mjs';
import { SERIES_COLORS } from '../app/dashboard/history';
import { expect, stamp, test } from './support/fixtures';
import { type DemoServer, startDemo } from './support/next-server';

const viewletRow = (page: Page, name: string) => page.getByRole('table', { name: 'Viewlets' }).locator(`tr[data-row="${name}"]`);
const storeRow = (page: Page, name: string) => page.getByRole('table', { name: 'Stores' }).locator(`tr[data-store="${name}"]`);
const stat = async (row: Locator, key: string) => Number(await row.locator(`[data-stat="${key}"]`).textContent());

/**
 * Pixels of the chart's canvas painted in `hex`, also where antialiasing made them
 * partly transparent (at least 40% of the colour once composited on the page's
 * white): how many a drawn line covers.
 */
function pixelsInColor(page: Page, hex: string): Promise<number> {
  return page
    .getByRole('figure', { name: /^Calls per second/ })
    .locator('canvas')
    .evaluate((canvas: HTMLCanvasElement, color) => {
      const target = [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16));
      // The channel furthest from white tells how much of the colour a pixel has.
      const k = target.reduce((best, value, i) => (255 - value > 255 - target[best]! ? i : best), 0);
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        const alpha = data[i + 3]! / 255;
        const onWhite = [0, 1, 2].map((c) => 255 - alpha * (255 - data[i + c]!));
        const share = (255 - onWhite[k]!) / (255 - target[k]!);
        if (share < 0.4 || share > 1.1) continue;
        if (target.every((value, c) => Math.abs(onWhite[c]! - (255 - share * (255 - value))) < 16)) count++;
      }
      return count;
    }, hex);
}

async function saveScreenshot(page: Page, testInfo: TestInfo, name: string) {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** Signs the browser context in as a demo user (the invalidation buttons are for the admin, ada). */
async function signIn(page: Page, user: 'ada' | 'alice') {
  const response = await page.goto(`/signin?as=${user}`);
  expect(response?.ok()).toBe(true);
}

/** Clicks one of a viewlet's invalidation buttons and waits for the answer it shows. */
async function invalidate(page: Page, action: 'Revalidate' | 'Expire' | 'Refresh', name: string) {
  await page.getByRole('button', { name: `${action} ${name}` }).click();
  const past = { Revalidate: 'Revalidated', Expire: 'Expired', Refresh: 'Refreshed' }[action];
  await expect(page.getByRole('status')).toContainText(`${past} ${name} (tag viewlet:${name})`);
}

test('every viewlet is listed with its policy in words, and the store with its breaker', async ({ page }) => {
  await page.goto('/dashboard');
  const policies: Record<string, string> = {
    'account-panel': 'per user · fresh 10 min · then stale, no expiry',
    breadcrumbs: 'per page · forever',
    deal: 'sitewide · fresh 30 s · then stale until 1 h',
    'member-price': 'per user and page · fresh 5 min · then stale, no expiry',
    'product-teaser': 'per page · fresh 5 min · then stale until 1 d',
    'session-badge': 'per session · fresh 1 h · then stale, no expiry',
    'site-nav': 'sitewide · fresh 1 h · then stale until 1 d (profile navigation)',
    'stock-level': 'sitewide · data only · fresh 1 min · then stale, no expiry',
    greeting: 'custom variants · fresh 1 d · then stale, no expiry',
  };
  for (const [name, words] of Object.entries(policies)) {
    await expect(viewletRow(page, name).locator('[data-stat="policy"]')).toHaveText(words);
  }
  await expect(viewletRow(page, 'recommendations').locator('[data-stat="policy"]')).toHaveText(/^per user · .* · island$/);
  await expect(storeRow(page, 'memory').locator('[data-stat="breaker"]')).toHaveText('closed');
  await expect(storeRow(page, 'memory').locator('[data-stat="pendingInvalidations"]')).toHaveText('0');
});

test('the numbers move with traffic in another tab, without a reload, and the chart draws them', async ({ page, context }, testInfo) => {
  await page.goto('/dashboard');
  // Survives only as long as the document does: a reload would drop it.
  await page.evaluate(() => Object.assign(window, { dashboardDocument: 'first' }));
  const teaser = viewletRow(page, 'product-teaser');
  const nav = viewletRow(page, 'site-nav');
  const before = { teaser: (await stat(teaser, 'hit')) + (await stat(teaser, 'miss')), nav: await stat(nav, 'hit') };

  const shop = await context.newPage();
  await shop.goto('/products/3');
  await shop.reload();
  await page.bringToFront();

  await expect
    .poll(() => stat(teaser, 'hit').then(async (hit) => hit + (await stat(teaser, 'miss'))))
    .toBeGreaterThanOrEqual(before.teaser + 2);
  await expect.poll(() => stat(nav, 'hit')).toBeGreaterThan(before.nav);
  await expect(nav.locator('[data-stat="hitRatio"]')).toHaveText(/^\d+%$/);
  // This test's browser is a new session: its badge rendered when the dashboard loaded.
  await expect(viewletRow(page, 'session-badge').locator('[data-stat="p95"]')).toHaveText(/^\d+(\.\d)? ms$/);
  await expect(storeRow(page, 'memory').locator('[data-stat="hit"]')).toHaveText(/^[1-9]\d*$/);

  // The chart: several polls, and the hit line drawn on its canvas.
  const chart = page.getByRole('figure', { name: /^Calls per second/ });
  await expect.poll(async () => Number(await chart.getAttribute('data-samples'))).toBeGreaterThanOrEqual(3);
  await expect.poll(() => pixelsInColor(page, SERIES_COLORS.hit)).toBeGreaterThan(20);
  // One viewlet: the other tab's two loads were site-nav hits, more than its misses (the line drawn last of the two).
  await page.getByLabel('Chart').selectOption('site-nav');
  await expect(chart).toHaveAccessibleName(/\(site-nav\)/);
  await expect.poll(() => pixelsInColor(page, SERIES_COLORS.hit)).toBeGreaterThan(20);

  expect(await page.evaluate(() => (window as { dashboardDocument?: string }).dashboardDocument)).toBe('first');
  await saveScreenshot(page, testInfo, 'dashboard');
});

test('expire, revalidate and refresh from the dashboard: the next page load shows a new render', async ({ page, context }) => {
  const shop = await context.newPage();
  await shop.goto('/products/2');
  const teaser = await stamp(shop, 'product-teaser');
  const crumbs = await stamp(shop, 'breadcrumbs');
  const nav = await stamp(shop, 'site-nav');
  await shop.reload();
  expect({
    teaser: await stamp(shop, 'product-teaser'),
    crumbs: await stamp(shop, 'breadcrumbs'),
    nav: await stamp(shop, 'site-nav'),
  }).toEqual({
    teaser,
    crumbs,
    nav,
  });

  await signIn(page, 'ada');
  await page.goto('/dashboard');
  const staleBefore = await stat(viewletRow(page, 'breadcrumbs'), 'stale');

  // Expire: the next load renders the teaser.
  await invalidate(page, 'Expire', 'product-teaser');
  await shop.reload();
  expect(Date.parse(await stamp(shop, 'product-teaser'))).toBeGreaterThan(Date.parse(teaser));
  expect(await stamp(shop, 'breadcrumbs'), 'other viewlets stay cached').toBe(crumbs);

  // Revalidate: the next load gets the stale copy and re-renders it in the background.
  await invalidate(page, 'Revalidate', 'breadcrumbs');
  await shop.reload();
  expect(await stamp(shop, 'breadcrumbs'), 'served stale first').toBe(crumbs);
  await expect(async () => {
    await shop.reload();
    expect(Date.parse(await stamp(shop, 'breadcrumbs'))).toBeGreaterThan(Date.parse(crumbs));
  }).toPass();
  await expect.poll(() => stat(viewletRow(page, 'breadcrumbs'), 'stale')).toBeGreaterThan(staleBefore);

  // Refresh: re-rendered behind the scenes, so the next load already has a new copy.
  await invalidate(page, 'Refresh', 'site-nav');
  await expect(page.getByRole('status')).toContainText('the next visitor gets a cache hit');
  await shop.reload();
  expect(Date.parse(await stamp(shop, 'site-nav'))).toBeGreaterThan(Date.parse(nav));
});

test('an invalidation the server refuses is shown, and changes nothing', async ({ page, context }) => {
  const shop = await context.newPage();
  await shop.goto('/');
  const nav = await stamp(shop, 'site-nav');

  await signIn(page, 'ada');
  await page.goto('/dashboard');
  // A crafted form: a name no viewlet has, sent by the Expire button of site-nav's row.
  await viewletRow(page, 'site-nav')
    .locator('input[name="name"]')
    .evaluate((input: HTMLInputElement) => {
      input.value = 'no-such-viewlet';
    });
  await page.getByRole('button', { name: 'Expire site-nav' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'viewlet' })).toHaveText('No viewlet named "no-such-viewlet" is loaded.');
  await expect(page.getByRole('status')).toHaveCount(0);

  await shop.reload();
  expect(await stamp(shop, 'site-nav')).toBe(nav);
});

test('invalidating is for the admin: no buttons for a visitor, and the action refuses a user who is no admin', async ({
  page,
  context,
}) => {
  const shop = await context.newPage();
  await shop.goto('/');
  const nav = await stamp(shop, 'site-nav');

  await page.goto('/dashboard');
  await expect(page.locator('[data-note="admin-only"]')).toContainText('sign in as ada');
  await expect(viewletRow(page, 'site-nav').getByRole('button')).toHaveCount(0);
  await expect(viewletRow(page, 'site-nav')).toContainText('admin only');

  // The buttons drawn for the admin, then the cookie swapped for alice's: the action itself checks.
  await signIn(page, 'ada');
  await page.goto('/dashboard');
  await expect(page.locator('[data-note="admin-only"]')).toHaveCount(0);
  await signIn(shop, 'alice');
  await page.getByRole('button', { name: 'Expire site-nav' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'admin' })).toHaveText(
    'Only an admin may invalidate: sign in as ada (/signin?as=ada).',
  );
  await expect(page.getByRole('status')).toHaveCount(0);

  await shop.goto('/');
  expect(await stamp(shop, 'site-nav'), 'nothing was expired').toBe(nav);
});

type WithRedis = { redis: RedisServer; onRedis: DemoServer };
const redisTest = base.extend<{ baseURL: string }, WithRedis>({
  redis: [
    async ({}, use) => {
      const redis = await startRedis();
      await use(redis);
      await redis.stop();
    },
    { scope: 'worker' },
  ],
  onRedis: [
    async ({ redis }, use) => {
      const server = await startDemo({ REDIS_URL: redis.url, VIEWLET_CACHE_PREFIX: `e2e-dashboard:${process.pid}:` });
      await use(server);
      await server.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  baseURL: async ({ onRedis }, use) => use(onRedis.baseURL),
});

redisTest('on Redis: the redis store with its breaker, and an expire the next load shows', async ({ page, context }) => {
  const shop = await context.newPage();
  await shop.goto('/products/1');
  const teaser = await stamp(shop, 'product-teaser');
  await shop.reload();
  expect(await stamp(shop, 'product-teaser')).toBe(teaser);

  await signIn(page, 'ada');
  await page.goto('/dashboard');
  const redis = storeRow(page, 'redis');
  await expect(redis.locator('[data-stat="breaker"]')).toHaveText('closed');
  await expect(redis.locator('[data-stat="hit"]')).toHaveText(/^[1-9]\d*$/);
  await expect(page.getByRole('table', { name: 'Stores' }).locator('tr[data-store="memory"]')).toHaveCount(0);

  const hits = await stat(redis, 'hit');
  await invalidate(page, 'Expire', 'product-teaser');
  await expect(redis.locator('[data-stat="pendingInvalidations"]')).toHaveText('0');
  await shop.reload();
  expect(Date.parse(await stamp(shop, 'product-teaser'))).toBeGreaterThan(Date.parse(teaser));
  await page.bringToFront();
  await expect.poll(() => stat(redis, 'hit')).toBeGreaterThan(hits);
});
