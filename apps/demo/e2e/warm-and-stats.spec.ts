/**
 * The stats endpoint and `next-viewlet warm` against the real demo under
 * `next start` (its own server, so the counters are only these tests'). The
 * CLI runs as the README starts it: the bin npm linked at install.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test as base, expect, type APIRequestContext } from '@playwright/test';
import { stamp } from './support/fixtures';
import { type DemoServer, signedDemoCookie, startDemo, TEST_STATS_TOKEN, TEST_WEBHOOK_SECRET } from './support/next-server';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'node_modules/.bin/next-viewlet');
const dir = mkdtempSync(path.join(tmpdir(), 'nv-e2e-warm-'));

const test = base.extend<{ baseURL: string }, { demo: DemoServer }>({
  demo: [
    async ({}, use) => {
      // Fast renders, and a deal that does not go stale during the run.
      const server = await startDemo({ DEMO_RENDER_DELAY_MS: '100', DEMO_DEAL_REVALIDATE_S: '3600' });
      await use(server);
      await server.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  baseURL: async ({ demo }, use) => use(demo.baseURL),
});
test.describe.configure({ mode: 'serial' });

const auth = { authorization: `Bearer ${TEST_STATS_TOKEN}` };

/** Runs `next-viewlet warm` with the test token and secret in its environment; never throws on a non-zero exit. */
async function warm(args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(bin, ['warm', ...args], {
      env: { ...process.env, VIEWLET_STATS_TOKEN: TEST_STATS_TOKEN, VIEWLET_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** A variants file: anonymous with a fixed session, and Alice (per-user and per-session viewlets get one entry each). */
function variantsFile(name: string, sessions: [string, string]) {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    JSON.stringify([
      // Signed as the demo signs them: an unsigned cookie would be a new session (and no user) on every request.
      { name: 'anon', cookies: { 'demo-session': signedDemoCookie('demo-session', sessions[0]) } },
      {
        name: 'alice',
        cookies: { 'demo-user': signedDemoCookie('demo-user', 'alice'), 'demo-session': signedDemoCookie('demo-session', sessions[1]) },
        headers: { 'accept-language': 'sv' },
      },
    ]),
  );
  return file;
}

const statsArgs = (baseURL: string) => ['--stats-url', `${baseURL}/api/viewlets/stats`];
type Viewlets = Record<string, { render: number; error: number; miss: number; stale: number; hit: number; joined: number }>;

async function viewletStats(request: APIRequestContext): Promise<Viewlets> {
  const response = await request.get('/api/viewlets/stats', { headers: auth });
  expect(response.status()).toBe(200);
  return (await response.json()).viewlets;
}

test('the stats endpoint needs the token, and answers JSON or Prometheus text', async ({ request }) => {
  const none = await request.get('/api/viewlets/stats');
  expect(none.status()).toBe(401);
  expect(none.headers()['www-authenticate']).toBe('Bearer realm="next-viewlet stats"');
  expect((await request.get('/api/viewlets/stats', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status()).toBe(401);

  await request.get('/products/1');
  const json = await request.get('/api/viewlets/stats', { headers: auth });
  expect(json.headers()['content-type']).toMatch(/^application\/json/);
  const body = await json.json();
  expect(body).toMatchObject({ version: 1, metricsEnabled: true, stores: { memory: { breaker: 'closed' } } });
  // Next calls the handler's get and set in the caller's async context: the miss and the bytes land on the viewlet.
  expect(body.viewlets['product-teaser']).toMatchObject({ miss: 1, render: 1, policy: { vary: 'path' } });
  expect(body.viewlets['product-teaser'].bytesStored).toBeGreaterThan(0);
  expect(body.viewlets.reviews).toMatchObject({ render: 1, error: 1 });
  expect(body.viewlets['product-teaser'].renderSeconds.p50).toBeGreaterThan(0);

  const text = await request.get('/api/viewlets/stats', { headers: { ...auth, accept: 'text/plain;version=0.0.4;q=0.5,*/*;q=0.1' } });
  expect(text.headers()['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  expect(await text.text()).toMatch(/^viewlet_calls_total\{viewlet="product-teaser",outcome="miss"\} 1$/m);
});

test('concurrent cold requests: each call has one outcome (miss, joined or hit), and only misses render', async ({ request }) => {
  const before = await viewletStats(request);
  const cookie = { cookie: `demo-session=${signedDemoCookie('demo-session', 'e'.repeat(32))}` };
  const answers = await Promise.all(Array.from({ length: 4 }, () => request.get('/products/2', { headers: cookie })));
  expect(answers.map((answer) => answer.status())).toEqual([200, 200, 200, 200]);
  const after = await viewletStats(request);
  const teaser = {
    miss: after['product-teaser']!.miss - before['product-teaser']!.miss,
    joined: after['product-teaser']!.joined - before['product-teaser']!.joined,
  };
  expect(teaser.miss).toBeGreaterThanOrEqual(1);
  expect(teaser.miss + teaser.joined + (after['product-teaser']!.hit - before['product-teaser']!.hit)).toBe(4);
  expect(after['product-teaser']!.render - before['product-teaser']!.render).toBe(teaser.miss);
});

test('warm renders what is missing; a second run right after renders nothing but the viewlet that always fails', async ({ baseURL }) => {
  const variants = variantsFile('variants.json', ['a'.repeat(32), 'b'.repeat(32)]);
  const args = ['--origin', baseURL, '/', '/products/2', '/products/3', '--variants', variants, ...statsArgs(baseURL), '--json'];
  const first = await warm(args);
  expect(first.code, first.stderr).toBe(0);
  const warmed = JSON.parse(first.stdout).passes[0];
  expect(warmed).toMatchObject({ requests: 6, ok: 6, failed: 0 });
  expect(warmed.viewlets.renders).toBeGreaterThan(10);
  expect(first.stderr).toMatch(/^\[6\/6\] 200 /m);

  const second = await warm(args);
  expect(second.code, second.stderr).toBe(0);
  const again = JSON.parse(second.stdout).passes[0].viewlets;
  const rendered = Object.entries(again.byViewlet as Viewlets).filter(([, row]) => row.render > 0);
  // Only `reviews` renders again: it fails on purpose, and a failure is never cached.
  expect(rendered.map(([name]) => name)).toEqual(['reviews']);
  expect(again.renders).toBe(again.errors);
  expect(again.hits).toBeGreaterThan(warmed.viewlets.hits);
});

test('--until-ready exits 0 once a second pass is all hits, and 1 while a viewlet keeps failing', async ({ baseURL }) => {
  const variants = variantsFile('fresh.json', ['c'.repeat(32), 'd'.repeat(32)]);
  const ready = await warm(['--origin', baseURL, '/', '--variants', variants, ...statsArgs(baseURL), '--until-ready', '--json']);
  expect(ready.code, ready.stderr).toBe(0);
  const summary = JSON.parse(ready.stdout);
  expect(summary.ready).toBe(true);
  expect(summary.passes[0].viewlets.renders).toBeGreaterThan(0); // new sessions: their badges had to render
  expect(summary.passes[1].viewlets).toMatchObject({ renders: 0, misses: 0, stale: 0 });

  const notReady = await warm(['--origin', baseURL, '/products/2', '--variants', variants, ...statsArgs(baseURL), '--until-ready']);
  expect(notReady.code).toBe(1);
  // Both variants share its one sitewide entry: one renders it, the other joins that render (or renders too).
  expect(notReady.stdout).toMatch(/^Not ready: reviews \([12] miss(es)?, 0 stale, [12] renders?\)\.$/m);
});

test('--revalidate re-renders stale copies behind the scenes: the next visitor gets fresh output from the cache', async ({
  page,
  request,
  baseURL,
}) => {
  await page.goto('/products/1');
  const before = await stamp(page, 'product-teaser');

  const rebuilt = await warm([
    '--origin',
    baseURL,
    '/products/1',
    ...statsArgs(baseURL),
    '--revalidate',
    'product:1',
    '--webhook-url',
    `${baseURL}/api/viewlets/revalidate`,
    '--json',
  ]);
  expect(rebuilt.code, rebuilt.stderr).toBe(0);
  const pass = JSON.parse(rebuilt.stdout).passes[0].viewlets;
  expect(pass.byViewlet['product-teaser']).toMatchObject({ stale: 1, miss: 0, render: 1 });
  expect(pass.settled).toBe(true);

  // The visitor: served from the cache (no miss, no wait), and the copy is the re-rendered one.
  const counted = await viewletStats(request);
  await expect
    .poll(async () => {
      await page.reload();
      return stamp(page, 'product-teaser');
    })
    .not.toBe(before);
  const after = await viewletStats(request);
  expect(after['product-teaser']!.miss - counted['product-teaser']!.miss).toBe(0);
  expect(after['product-teaser']!.render - counted['product-teaser']!.render).toBe(0);
  expect(after['product-teaser']!.hit).toBeGreaterThan(counted['product-teaser']!.hit);
});
