/**
 * Two `next start` instances of the demo on one real Redis Cluster (3 masters,
 * each with a replica): one cache and one invalidation across the cluster, and
 * a master killed during a run of requests fails no page while its replica
 * takes over, after which caching resumes.
 */
import { test as base, expect, type Page } from '@playwright/test';
import calculateSlot from 'cluster-key-slot';
import { sendRevalidation } from 'next-viewlet/webhook';
import { type RedisCluster, startRedisCluster } from '../../../scripts/lib/redis-cluster.mjs';
import { stamp } from './support/fixtures';
import { type DemoServer, startDemo, TEST_WEBHOOK_SECRET } from './support/next-server';

type Shared = { cluster: RedisCluster; prefix: string; a: DemoServer; b: DemoServer };

const test = base.extend<Record<never, never>, { shared: Shared }>({
  shared: [
    async ({}, use) => {
      const cluster = await startRedisCluster({ masters: 3, replicas: 1 });
      const prefix = `e2e-cluster:${process.pid}:${Date.now()}:`;
      const env = { REDIS_CLUSTER_URLS: cluster.urls.join(','), VIEWLET_CACHE_PREFIX: prefix, DEMO_RENDER_DELAY_MS: '300' };
      const [a, b] = await Promise.all([startDemo(env), startDemo(env)]);
      await use({ cluster, prefix, a, b });
      await Promise.all([a.stop(), b.stop()]);
      await cluster.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});
test.describe.configure({ mode: 'serial' });

async function open(page: Page, url: string) {
  const response = await page.goto(url);
  expect(response?.status(), url).toBe(200);
}

test('on a Redis Cluster, an entry rendered on A is a hit on B, and an invalidation on B reaches A', async ({ page, shared }) => {
  await open(page, `${shared.a.baseURL}/products/1`);
  const onA = { nav: await stamp(page, 'site-nav'), teaser: await stamp(page, 'product-teaser') };
  await open(page, `${shared.b.baseURL}/products/1`);
  expect({ nav: await stamp(page, 'site-nav'), teaser: await stamp(page, 'product-teaser') }).toEqual(onA);

  const answer = await sendRevalidation({
    url: `${shared.b.baseURL}/api/viewlets/revalidate`,
    secret: TEST_WEBHOOK_SECRET,
    tags: ['product:1'],
    mode: 'expire',
  });
  expect(answer.revalidated).toBe(1);
  await expect
    .poll(async () => {
      await open(page, `${shared.a.baseURL}/products/1`);
      return Date.parse(await stamp(page, 'product-teaser'));
    })
    .toBeGreaterThan(Date.parse(onA.teaser));
});

test('killing the master that holds the tag records fails no page, and caching resumes after the failover', async ({
  page,
  shared,
  request,
}) => {
  test.setTimeout(120_000);
  const urls = ['/products/1', '/products/2', '/products/3', '/'].map((p) => `${shared.a.baseURL}${p}`);
  const failed: string[] = [];
  const run = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const url = urls[i % urls.length]!;
      const response = await request.get(url, { timeout: 20_000 });
      const body = await response.text();
      if (response.status() !== 200 || !body.includes('data-viewlet="site-nav"')) failed.push(`${url}: ${response.status()}`);
    }
  };

  await run(4);
  // The master of the prefix's tag slot: every request reads the journal there.
  const victim = await shared.cluster.masterOf(calculateSlot(`{${shared.prefix}tags}`));
  await shared.cluster.killNode(victim);
  await run(12);
  expect(failed, 'pages that failed while a master was down').toEqual([]);

  await shared.cluster.waitForState();
  // Caching resumes: a fresh render on A is a hit on B again.
  await expect
    .poll(
      async () => {
        await sendRevalidation({
          url: `${shared.a.baseURL}/api/viewlets/revalidate`,
          secret: TEST_WEBHOOK_SECRET,
          tags: ['nav'],
          mode: 'expire',
        }).catch(() => undefined);
        await open(page, `${shared.a.baseURL}/`);
        const rendered = await stamp(page, 'site-nav');
        await open(page, `${shared.b.baseURL}/`);
        return (await stamp(page, 'site-nav')) === rendered;
      },
      { timeout: 60_000, intervals: [1_000] },
    )
    .toBe(true);
  await run(4);
  expect(failed).toEqual([]);
});
