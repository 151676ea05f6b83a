/**
 * Nothing accepted is lost, in a real browser against `next start`:
 * stale-if-error for a viewlet whose data source fails (and hard invalidations
 * staying hard), and an invalidation still pending when an instance is stopped
 * reaching the other instance on the same redis-server.
 */
import { expect, test, type Page } from '@playwright/test';
import { sendRevalidation } from 'next-viewlet/webhook';
import { redisCommand, startRedis } from '../../../scripts/lib/redis-server.mjs';
import { stamp } from './support/fixtures';
import { startDemo, TEST_STATS_TOKEN, TEST_WEBHOOK_SECRET } from './support/next-server';

test.describe.configure({ mode: 'serial' });

async function open(page: Page, url: string) {
  const response = await page.goto(url);
  expect(response?.status(), url).toBe(200);
}

const fallback = (page: Page) => page.locator('[data-fallback="supplier-feed"]');

test('a failing data source: the stale copy, status 200 and no fallback until it recovers; an expire stays hard', async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const demo = await startDemo({ DEMO_FAULTS: '1', DEMO_SUPPLIER_REVALIDATE_S: '1', DEMO_RENDER_DELAY_MS: '0' });
  try {
    const faults = `${demo.baseURL}/api/demo/faults`;
    const reads = async () => ((await (await request.get(faults)).json()) as { reads: number }).reads;
    await open(page, `${demo.baseURL}/supplier`);
    const good = await stamp(page, 'supplier-feed');
    await request.post(faults, { data: { failing: true } });
    await expect.poll(() => Date.now() - Date.parse(good), { intervals: [200] }).toBeGreaterThan(1_100);

    const readsBefore = await reads();
    const loads = 8;
    for (let i = 0; i < loads; i++) {
      await open(page, `${demo.baseURL}/supplier`);
      expect(await stamp(page, 'supplier-feed'), 'the stale copy').toBe(good);
      await expect(fallback(page)).toHaveCount(0);
    }
    // The background re-render ran and failed (logged once), and was not retried on every request.
    await expect.poll(() => demo.output().match(/viewlet "supplier-feed" failed, visitors get its stale copy/g)?.length ?? 0).toBe(1);
    const attempts = (await reads()) - readsBefore;
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThan(loads);

    await request.post(faults, { data: { failing: false } });
    await expect
      .poll(
        async () => {
          await open(page, `${demo.baseURL}/supplier`);
          await expect(fallback(page)).toHaveCount(0);
          return Date.parse(await stamp(page, 'supplier-feed'));
        },
        { timeout: 30_000, intervals: [500] },
      )
      .toBeGreaterThan(Date.parse(good));

    // Hard stays hard: expired while the source fails, there is no copy to serve, so the fallback shows.
    await request.post(faults, { data: { failing: true } });
    await sendRevalidation({
      url: `${demo.baseURL}/api/viewlets/revalidate`,
      secret: TEST_WEBHOOK_SECRET,
      tags: ['supplier'],
      mode: 'expire',
    });
    await open(page, `${demo.baseURL}/supplier`);
    await page.waitForLoadState('load');
    // The streamed Suspense fallback is swapped out once the stream ends: exactly one fallback stays.
    await expect(fallback(page)).toHaveCount(1);
    await expect(fallback(page)).toBeVisible();
    await expect(page.locator('[data-viewlet="supplier-feed"]')).toHaveCount(0);
    await request.post(faults, { data: { failing: false } });
    await open(page, `${demo.baseURL}/supplier`);
    await expect(page.locator('[data-viewlet="supplier-feed"]')).toBeVisible();
  } finally {
    await demo.stop();
  }
});

test('an invalidation pending when instance A is stopped (writes paused) is seen by instance B after A exits', async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const redis = await startRedis();
  const env = { REDIS_URL: redis.url, VIEWLET_CACHE_PREFIX: `e2e:${process.pid}:${Date.now()}:`, DEMO_FAULTS: '1' };
  const [a, b] = await Promise.all([startDemo(env), startDemo(env)]);
  try {
    await open(page, `${b.baseURL}/products/1`);
    const before = await stamp(page, 'product-teaser');
    await page.reload();
    expect(await stamp(page, 'product-teaser'), 'B serves it from its memory tier').toBe(before);

    await redisCommand(redis.port, ['CLIENT', 'PAUSE', '60000', 'WRITE']);
    // A Route Handler on A expires the tag: 200 at once, the store write happens after the response.
    const answered = await request.post(`${a.baseURL}/api/demo/faults`, { data: { expireTag: 'product:1' } });
    expect(answered.status()).toBe(200);
    await expect
      .poll(
        async () => {
          const response = await request.get(`${a.baseURL}/api/viewlets/stats`, {
            headers: { authorization: `Bearer ${TEST_STATS_TOKEN}` },
          });
          const { stores } = (await response.json()) as { stores: Record<string, { pendingInvalidations: number }> };
          return Object.values(stores).reduce((sum, store) => sum + store.pendingInvalidations, 0);
        },
        {
          timeout: 20_000,
        },
      )
      .toBe(1);

    const stopped = a.stop();
    await expect.poll(() => a.output()).toMatch(/SIGTERM: writing 1 invalidation\(s\) the store has not taken yet before exiting/);
    await redisCommand(redis.port, ['CLIENT', 'UNPAUSE']);
    await stopped;
    expect(a.output()).not.toMatch(/exiting with \d+ invalidation\(s\) the store has not taken/);

    await expect
      .poll(
        async () => {
          await open(page, `${b.baseURL}/products/1`);
          return Date.parse(await stamp(page, 'product-teaser'));
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThan(Date.parse(before));
  } finally {
    await redisCommand(redis.port, ['CLIENT', 'UNPAUSE']).catch(() => {});
    await Promise.all([a.stop(), b.stop()]);
    await redis.stop();
  }
});
