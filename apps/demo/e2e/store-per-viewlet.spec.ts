/**
 * A store per viewlet: two `next start` instances of the demo, one redis-server
 * given to the `remote` kind only (VIEWLET_REMOTE_STORE_URL; no REDIS_URL), so
 * the `default` kind stays in each instance's memory. Per-user viewlets
 * (`store: 'remote'`) are shared, sitewide/per-path ones are not, and one tag
 * invalidation reaches both kinds on both instances (tags are judged by Redis).
 * The custom `archive` kind (declared by the demo, with its own handler module)
 * has a store of its own as well.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { startRedis, type RedisServer } from '../../../scripts/lib/redis-server.mjs';
import { sendRevalidation } from 'next-viewlet/webhook';
import { stamp } from './support/fixtures';
import { type DemoServer, signedDemoCookie, startDemo, TEST_STATS_TOKEN, TEST_WEBHOOK_SECRET } from './support/next-server';

type Split = { redis: RedisServer; a: DemoServer; b: DemoServer };

const test = base.extend<Record<never, never>, { split: Split }>({
  split: [
    async ({}, use) => {
      const redis = await startRedis();
      const env = {
        VIEWLET_REMOTE_STORE_URL: redis.url,
        // The custom `archive` kind (viewlets/archive-cache.ts) on its own store too: the same server here.
        VIEWLET_ARCHIVE_STORE_URL: redis.url,
        VIEWLET_CACHE_PREFIX: `e2e-kinds:${process.pid}:`,
        REDIS_URL: '',
      };
      const [a, b] = await Promise.all([startDemo(env), startDemo(env)]);
      await use({ redis, a, b });
      await Promise.all([a.stop(), b.stop()]);
      await redis.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});
test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ context }) => {
  // Cookies ignore the port: both instances see the same signed-in visitor.
  await context.addCookies([{ name: 'demo-user', value: signedDemoCookie('demo-user', 'alice'), domain: '127.0.0.1', path: '/' }]);
});

async function product(page: Page, server: DemoServer, id: string) {
  const response = await page.goto(`${server.baseURL}/products/${id}`);
  expect(response?.status()).toBe(200);
  return { member: await stamp(page, 'member-price'), teaser: await stamp(page, 'product-teaser') };
}

/** Expires a tag through the signed webhook of `server`. */
async function expireTag(server: DemoServer, tag: string) {
  const answer = await sendRevalidation({
    url: `${server.baseURL}/api/viewlets/revalidate`,
    secret: TEST_WEBHOOK_SECRET,
    tags: [tag],
    mode: 'expire',
  });
  expect(answer.revalidated).toBe(1);
}

type Stats = { viewlets: Record<string, { hit: number; miss: number; policy?: { store: string } }>; kinds: Record<string, string> };
async function stats(page: Page, server: DemoServer): Promise<Stats> {
  const response = await page.request.get(`${server.baseURL}/api/viewlets/stats`, {
    headers: { authorization: `Bearer ${TEST_STATS_TOKEN}` },
  });
  expect(response.status()).toBe(200);
  return (await response.json()) as Stats;
}

test("a remote viewlet rendered on A is a hit on B; a default (memory) one is B's own", async ({ page, split }) => {
  const onA = await product(page, split.a, '1');
  const hitsBefore = (await stats(page, split.b)).viewlets['member-price']?.hit ?? 0;
  const onB = await product(page, split.b, '1');
  expect(onB.member, 'member-price (remote) comes from the shared store').toBe(onA.member);
  expect(onB.teaser, 'product-teaser (default) is rendered by B in its own memory').not.toBe(onA.teaser);
  await expect.poll(async () => (await stats(page, split.b)).viewlets['member-price']?.hit ?? 0).toBeGreaterThan(hitsBefore);

  // Each instance keeps serving its own default-kind copy.
  expect((await product(page, split.a, '1')).teaser).toBe(onA.teaser);
  expect((await product(page, split.b, '1')).teaser).toBe(onB.teaser);
});

test('a tag invalidation received by B reaches both kinds on both instances', async ({ page, split }) => {
  const beforeA = await product(page, split.a, '2');
  const beforeB = await product(page, split.b, '2');
  expect(beforeB.member).toBe(beforeA.member);

  await expireTag(split.b, 'product:2');

  const afterA = await product(page, split.a, '2');
  expect(Date.parse(afterA.teaser), "A's memory entry is judged by Redis's tag records").toBeGreaterThan(Date.parse(beforeA.teaser));
  expect(Date.parse(afterA.member)).toBeGreaterThan(Date.parse(beforeA.member));
  const afterB = await product(page, split.b, '2');
  expect(Date.parse(afterB.teaser)).toBeGreaterThan(Date.parse(beforeB.teaser));
  expect(afterB.member, "B reads A's re-render from the shared store").toBe(afterA.member);
});

test('a custom kind with its own handler module and store: rendered on A, a hit on B; invalidated by its tag', async ({ page, split }) => {
  const orders = async (server: DemoServer) => {
    const response = await page.goto(`${server.baseURL}/orders`);
    expect(response?.status()).toBe(200);
    await expect(page.locator('[data-viewlet="order-history"]')).toContainText("Alice's past orders");
    return stamp(page, 'order-history');
  };
  const onA = await orders(split.a);
  expect(await orders(split.b)).toBe(onA);

  await expireTag(split.a, 'orders');
  const renewed = await orders(split.b);
  expect(Date.parse(renewed)).toBeGreaterThan(Date.parse(onA));
  expect(await orders(split.a)).toBe(renewed);
  expect((await stats(page, split.a)).kinds.archive).toBe('redis:archive');
});

test('stats and the dashboard show the store of each viewlet', async ({ page, split }) => {
  await product(page, split.a, '3');
  const report = await stats(page, split.a);
  expect(report.viewlets['member-price']?.policy?.store).toBe('remote');
  expect(report.viewlets['product-teaser']?.policy?.store).toBe('default');
  expect(report.kinds).toEqual({ archive: 'redis:archive', default: 'memory', remote: 'redis:remote' });

  const prometheus = await page.request.get(`${split.a.baseURL}/api/viewlets/stats?format=prometheus`, {
    headers: { authorization: `Bearer ${TEST_STATS_TOKEN}` },
  });
  expect((await prometheus.text()).split('\n')).toContain('viewlet_info{viewlet="member-price",store="remote"} 1');

  await page.goto(`${split.a.baseURL}/dashboard`);
  const row = (name: string) => page.getByRole('table', { name: 'Viewlets' }).locator(`tr[data-row="${name}"] [data-stat="store"]`);
  await expect(row('member-price')).toHaveText('remote · redis:remote');
  await expect(row('account-panel')).toHaveText('remote · redis:remote');
  await expect(row('product-teaser')).toHaveText('default · memory');
  await expect(row('site-nav')).toHaveText('default · memory');
  await expect(row('order-history')).toHaveText('archive · redis:archive');
});
