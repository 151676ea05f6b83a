/**
 * Issue 13: one invalidation for the whole app. Two `next start` instances of
 * the demo on one redis-server: prerendered pages, an ISR page, a route
 * handler's tagged `fetch`, all purged by one `revalidateTag` on any instance;
 * a store outage that fails no page. Then Next's own expectations, side by
 * side with its built-in cache on a single instance. No sleeps: every change
 * is polled for.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type APIRequestContext } from '@playwright/test';
import { sendRevalidation } from 'next-viewlet/webhook';
import { startRedis, type RedisServer } from '../../../scripts/lib/redis-server.mjs';
import { type DemoServer, startDemo, TEST_WEBHOOK_SECRET } from './support/next-server';

/** An upstream for the route handler's `fetch`: answers `call <n>`, counting its calls. */
async function startUpstream(): Promise<{ url: string; calls: () => number; stop: () => Promise<void> }> {
  let calls = 0;
  const server: Server = createServer((_request, response) => {
    calls += 1;
    response.end(`call ${calls}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/data`, calls: () => calls, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

type Cluster = { redis: RedisServer; upstream: Awaited<ReturnType<typeof startUpstream>>; a: DemoServer; b: DemoServer };

const test = base.extend<Record<never, never>, { cluster: Cluster }>({
  cluster: [
    async ({}, use) => {
      const [redis, upstream] = await Promise.all([startRedis(), startUpstream()]);
      const env = {
        REDIS_URL: redis.url,
        VIEWLET_CACHE_PREFIX: `e2e-inc:${process.pid}:${Date.now()}:`,
        DEMO_UPSTREAM_URL: upstream.url,
        VIEWLET_DEBUG: '1',
      };
      const [a, b] = await Promise.all([startDemo(env), startDemo(env)]);
      await use({ redis, upstream, a, b });
      await Promise.all([a.stop(), b.stop()]);
      await Promise.all([redis.stop(), upstream.stop()]);
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});
test.describe.configure({ mode: 'serial' });

/** The `data-generated-at` of the page's section `testId`, and the response's status. */
async function read(request: APIRequestContext, url: string, testId: string) {
  const response = await request.get(url);
  const html = await response.text();
  const match = new RegExp(`data-testid="${testId}" data-generated-at="([^"]+)"`).exec(html);
  return { status: response.status(), generatedAt: match?.[1] ?? '' };
}

/** Hard: `revalidateTag(tag, { expire: 0 })`; soft: `revalidateTag(tag, 'max')`, through the demo's signed webhook. */
const purge = (server: DemoServer, tag: string, mode: 'hard' | 'soft') =>
  sendRevalidation({
    url: `${server.baseURL}/api/viewlets/revalidate`,
    secret: TEST_WEBHOOK_SECRET,
    tags: [tag],
    mode: mode === 'hard' ? 'expire' : 'revalidate',
  });

/** The `data-generated-at` that `next build` prerendered into `.next/server/app/<page>.html`. */
function built(page: string, testId: string): string {
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../.next/server/app', `${page}.html`);
  return new RegExp(`data-testid="${testId}" data-generated-at="([^"]+)"`).exec(readFileSync(file, 'utf8'))?.[1] ?? 'not prerendered';
}

/** Regenerations of /shell/isr this instance stored (its debug log has one entry, over several lines, per stored page). */
const renders = (server: DemoServer) =>
  server
    .output()
    .split('[next-viewlet]')
    .filter((line) => line.includes('incremental: stored') && line.includes('/$/shell/isr')).length;

test.describe('two instances on one redis-server', () => {
  test('a prerendered page: the first request after start is a hit, the same page on both instances', async ({ request, cluster }) => {
    const onA = await read(request, `${cluster.a.baseURL}/shell`, 'shell');
    const onB = await read(request, `${cluster.b.baseURL}/shell`, 'shell');
    expect(onA.status).toBe(200);
    expect(onA.generatedAt, 'served from the build output, not rendered').toBe(built('shell', 'shell'));
    expect(onB.generatedAt).toBe(onA.generatedAt);
  });

  test('a hard purge on B is seen by A on its next request', async ({ request, cluster }) => {
    const before = await read(request, `${cluster.a.baseURL}/shell`, 'shell');
    expect((await purge(cluster.b, 'shell-data', 'hard')).revalidated).toBe(1);
    const after = await read(request, `${cluster.a.baseURL}/shell`, 'shell');
    expect(after.status).toBe(200);
    expect(Date.parse(after.generatedAt)).toBeGreaterThan(Date.parse(before.generatedAt));
    // B takes A's new copy instead of serving its own old one.
    expect((await read(request, `${cluster.b.baseURL}/shell`, 'shell')).generatedAt).toBe(after.generatedAt);
  });

  test('a soft purge on B: A serves the old page once, then the regenerated one', async ({ request, cluster }) => {
    const before = await read(request, `${cluster.a.baseURL}/shell`, 'shell');
    await purge(cluster.b, 'shell-data', 'soft');
    const next = await read(request, `${cluster.a.baseURL}/shell`, 'shell');
    expect(next.status).toBe(200);
    expect(next.generatedAt, 'the old page, once, while it is regenerated').toBe(before.generatedAt);
    await expect
      .poll(async () => Date.parse((await read(request, `${cluster.a.baseURL}/shell`, 'shell')).generatedAt))
      .toBeGreaterThan(Date.parse(before.generatedAt));
  });

  test('an ISR page past its revalidate time is regenerated by one instance of the two', async ({ request, cluster }) => {
    const start = renders(cluster.a) + renders(cluster.b);
    const prerendered = built('shell/isr', 'shell-isr');
    // Its build copy is older than its revalidate (2 s): the first instance that reads it regenerates it,
    // the other serves the copy it has meanwhile. Both end up serving the one regenerated page.
    await expect
      .poll(async () => {
        const [x, y] = [
          await read(request, `${cluster.a.baseURL}/shell/isr`, 'shell-isr'),
          await read(request, `${cluster.b.baseURL}/shell/isr`, 'shell-isr'),
        ];
        expect([x.status, y.status]).toEqual([200, 200]);
        return x.generatedAt !== prerendered && x.generatedAt === y.generatedAt;
      })
      .toBe(true);
    expect(renders(cluster.a) + renders(cluster.b) - start, 'regenerations on both instances together').toBe(1);
  });

  test("a route handler's tagged fetch: cached for both instances, purged on A, fresh on B", async ({ request, cluster }) => {
    const first = await (await request.get(`${cluster.a.baseURL}/shell/api/upstream`)).json();
    const onB = await (await request.get(`${cluster.b.baseURL}/shell/api/upstream`)).json();
    expect(first.upstream).toMatch(/^call \d+$/);
    expect(onB.upstream, "B uses A's cached fetch").toBe(first.upstream);
    const calls = cluster.upstream.calls();
    await purge(cluster.a, 'shell-upstream', 'hard');
    const fresh = await (await request.get(`${cluster.b.baseURL}/shell/api/upstream`)).json();
    expect(fresh.upstream).not.toBe(first.upstream);
    expect(cluster.upstream.calls()).toBe(calls + 1);
  });

  test('redis-server killed: pages and route handlers are still served, no request fails', async ({ request, cluster }) => {
    const urls = ['/shell', '/shell/isr', '/shell/api/static', '/shell/api/upstream', '/shell/nope'];
    const failures: string[] = [];
    const run = async () => {
      for (const server of [cluster.a, cluster.b]) {
        for (const path of urls) {
          const response = await request.get(`${server.baseURL}${path}`, { timeout: 20_000 });
          const expected = path === '/shell/nope' ? 404 : 200;
          if (response.status() !== expected) failures.push(`${path}: ${response.status()}`);
        }
      }
    };
    await run();
    await cluster.redis.stop();
    for (let round = 0; round < 3; round++) await run();
    await cluster.redis.start();
    expect(failures).toEqual([]);
  });
});

test.describe('side by side with Next’s built-in cache, one instance each', () => {
  let builtIn: DemoServer;
  let ours: DemoServer;
  test.beforeAll(async () => {
    [builtIn, ours] = await Promise.all([startDemo({ VIEWLET_NEXT_BUILTIN_HANDLER: '1' }), startDemo({})]);
  });
  test.afterAll(async () => {
    await Promise.all([builtIn?.stop(), ours?.stop()]);
  });

  test('the same status codes and prerendered responses for static, ISR, not-found and route-handler pages', async ({ request }) => {
    const paths = ['/shell', '/shell/isr', '/shell/nope', '/shell/api/static'];
    for (const path of paths) {
      const [theirs, mine] = await Promise.all([request.get(`${builtIn.baseURL}${path}`), request.get(`${ours.baseURL}${path}`)]);
      expect(mine.status(), path).toBe(theirs.status());
      expect(mine.headers()['content-type'], path).toBe(theirs.headers()['content-type']);
      expect(mine.headers()['cache-control'], path).toBe(theirs.headers()['cache-control']);
    }
    // Both serve the build's copy of the static page and the static route on the first request.
    const staticPage = await Promise.all([
      read(request, `${builtIn.baseURL}/shell`, 'shell'),
      read(request, `${ours.baseURL}/shell`, 'shell'),
    ]);
    expect(staticPage[1]).toEqual(staticPage[0]);
    const route = await Promise.all([request.get(`${builtIn.baseURL}/shell/api/static`), request.get(`${ours.baseURL}/shell/api/static`)]);
    expect(await route[1].json()).toEqual(await route[0].json());
  });

  test('a hard purge: both regenerate on the next request', async ({ request }) => {
    for (const server of [builtIn, ours]) {
      const before = await read(request, `${server.baseURL}/shell`, 'shell');
      await purge(server, 'shell-data', 'hard');
      const after = await read(request, `${server.baseURL}/shell`, 'shell');
      expect(after.status).toBe(200);
      expect(Date.parse(after.generatedAt)).toBeGreaterThan(Date.parse(before.generatedAt));
    }
  });
});
