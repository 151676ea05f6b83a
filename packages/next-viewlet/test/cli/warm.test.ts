/**
 * `next-viewlet warm` against a loopback "shop": each page renders one viewlet
 * (named after its path) into the real metrics registry, cached per page and
 * cookie, and the real createStatsHandler serves the counters. Exit codes,
 * variants, retries, concurrency, stats, --until-ready and --revalidate.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { recordRender, recordRenderStart, resetMetrics, viewletCounters } from '../../src/metrics/metrics-registry.ts';
import { createStatsHandler } from '../../src/metrics/stats-handler.ts';
import { verifyWebhook } from '../../src/webhook/signature.ts';
import { SECRET } from '../support/webhook.ts';
import { type HttpFixture, serveRoutes, toRequest } from '../support/http-fixture.ts';

const TOKEN = 'warm-test-token-0123456789';
const dir = mkdtempSync(path.join(tmpdir(), 'nv-warm-'));
const file = (name: string, text: string) => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};

interface Shop extends HttpFixture {
  /** Pages whose viewlet is never cached (rendered on every request, as `uncached`). */
  uncachedPages: Set<string>;
  /** Pages whose viewlet fails on every render (never cached: a miss each time). */
  failingPages: Set<string>;
  /** Tags received by the webhook. */
  revalidated: string[];
}

let shop: Shop;
beforeEach(() => resetMetrics());
afterEach(async () => {
  await shop?.close();
  resetMetrics();
});

async function openShop(): Promise<Shop> {
  const entries = new Map<string, 'fresh' | 'stale'>();
  const stats = createStatsHandler({ token: TOKEN });
  const fixture = await serveRoutes({});
  const extra = { uncachedPages: new Set<string>(), failingPages: new Set<string>(), revalidated: [] as string[] };
  const page = (request: { url: string; headers: Record<string, unknown> }) => {
    const pathname = new URL(request.url, 'http://x').pathname;
    const name = `page${pathname}`;
    const row = viewletCounters(name);
    const key = `${pathname}|${request.headers.cookie ?? ''}`;
    const render = (failed = false) => {
      recordRenderStart(name);
      recordRender(name, 0.01, failed);
    };
    if (extra.uncachedPages.has(pathname)) {
      row.uncached += 1;
      render();
    } else if (extra.failingPages.has(pathname)) {
      row.miss += 1;
      render(true);
    } else if (entries.get(key) === 'fresh') {
      row.hit += 1;
    } else if (entries.get(key) === 'stale') {
      // Served stale; re-rendered "in the background", after the response.
      row.stale += 1;
      recordRenderStart(name);
      setTimeout(() => {
        recordRender(name, 0.01, false);
        entries.set(key, 'fresh');
      }, 20);
    } else {
      row.miss += 1;
      render();
      entries.set(key, 'fresh');
    }
    return { body: `<html>${pathname}</html>` };
  };
  Object.assign(fixture.routes, {
    '/': page,
    '/a': page,
    '/b': page,
    '/c': page,
    '/broken': { status: 500, body: 'boom' },
    '/api/stats': (request: Parameters<typeof toRequest>[1]) => stats(toRequest(fixture.origin, request)),
    '/api/revalidate': (request: Parameters<typeof toRequest>[1]) => {
      verifyWebhook({ secrets: [SECRET], headers: request.headers as Record<string, string>, body: request.body });
      const { tags } = JSON.parse(request.body) as { tags: string[] };
      extra.revalidated.push(...tags);
      for (const [key, state] of entries) if (state === 'fresh') entries.set(key, 'stale');
      return Response.json({ revalidated: tags.length, mode: 'revalidate', tags });
    },
  });
  return Object.assign(fixture, extra);
}

async function warm(argv: string[], env: Record<string, string> = {}, terminal?: NodeJS.WriteStream) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['warm', ...argv], {
    env: { VIEWLET_STATS_TOKEN: TOKEN, VIEWLET_WEBHOOK_SECRET: SECRET, ...env },
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    ...(terminal && { terminal }),
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** A stream that says it is a terminal, keeping what was drawn on it. */
function fakeTerminal() {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
  let drawn = '';
  stream.on('data', (chunk) => (drawn += chunk));
  return { stream: stream as unknown as NodeJS.WriteStream, drawn: () => drawn };
}

const json = (stdout: string) => JSON.parse(stdout);
const pageRequests = () => shop.requests.filter((r) => !r.url.startsWith('/api/'));

describe('next-viewlet warm: usage and input errors exit 2', () => {
  it('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await warm(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: next-viewlet warm \[URL\.\.\.\]/);
  });

  it.each([
    ['no pages', [], /name the pages to warm/],
    ['paths without --origin', ['/a'], /--origin is required when the pages are given as paths/],
    ['an unknown option', ['--origin', 'http://127.0.0.1:9', '/a', '--fast'], /Unknown option '--fast'/],
    ['--origin with a path', ['--origin', 'http://127.0.0.1:9/shop', '/a'], /--origin takes only a scheme, host and port/],
    [
      'a page on another host',
      ['--origin', 'http://127.0.0.1:9', 'https://elsewhere.example/a'],
      /https:\/\/elsewhere\.example\/a is not on http:\/\/127\.0\.0\.1:9/,
    ],
    ['a page that is neither URL nor path', ['--origin', 'http://127.0.0.1:9', 'a/b'], /"a\/b" is neither an http\(s\) URL nor a path/],
    [
      '--concurrency 0',
      ['--origin', 'http://127.0.0.1:9', '/a', '--concurrency', '0'],
      /--concurrency must be a whole number from 1 to 64/,
    ],
    ['--until-ready without --stats-url', ['--origin', 'http://127.0.0.1:9', '/a', '--until-ready'], /--until-ready needs --stats-url/],
    ['--revalidate without a webhook', ['--origin', 'http://127.0.0.1:9', '/a', '--revalidate', 't'], /--revalidate needs --webhook-url/],
    ['a secret on the command line', ['--origin', 'http://127.0.0.1:9', '/a', SECRET], /secrets are never taken from the command line/],
    ['a token flag', ['--origin', 'http://127.0.0.1:9', '/a', '--stats-token', 'x'], /secrets are never taken from the command line/],
  ])('%s', async (_label, argv, message) => {
    const { code, stderr } = await warm(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toContain(SECRET.slice(6));
  });

  it('--stats-token-env naming a variable that is not set', async () => {
    const { code, stderr } = await warm([
      '--origin',
      'http://127.0.0.1:9',
      '/a',
      '--stats-url',
      'http://127.0.0.1:9/s',
      '--stats-token-env',
      'NOPE',
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/the environment variable NOPE \(--stats-token-env\) is not set/);
  });

  it.each([
    [
      'a malformed URL list',
      'urls.txt',
      '/a\n# a comment\n\nhttp//typo\n',
      '--urls-file',
      /urls\.txt line 4: "http\/\/typo" is neither an http\(s\) URL nor a path/,
    ],
    [
      'a URL list with another host',
      'urls2.txt',
      '/a\nhttps://elsewhere.example/b\n',
      '--urls-file',
      /urls2\.txt line 2: https:\/\/elsewhere\.example\/b is not on/,
    ],
    ['a variants file that is not JSON', 'v1.json', '[{"name": "alice",]', '--variants', /v1\.json is not JSON/],
    ['a variant without a name', 'v2.json', '[{"cookies": {}}]', '--variants', /v2\.json at 0\.name: .*expected a list of/],
    [
      'a cookie value with a semicolon',
      'v3.json',
      '[{"name": "a", "cookies": {"sid": "x; admin=1"}}]',
      '--variants',
      /v3\.json at 0\.cookies\.sid: may not contain spaces, quotes, commas, semicolons/,
    ],
    [
      'a forbidden header',
      'v4.json',
      '[{"name": "a", "headers": {"Host": "evil.example"}}]',
      '--variants',
      /v4\.json at 0\.headers\.Host: may not be set/,
    ],
    ['duplicate variant names', 'v5.json', '[{"name": "a"}, {"name": "a"}]', '--variants', /duplicate name "a"/],
  ])('%s', async (_label, name, text, flag, message) => {
    shop = await openShop();
    const { code, stderr } = await warm(['--origin', shop.origin, '/a', flag, file(name, text)]);
    expect({ code, stderr }).toMatchObject({ code: 2, stderr: expect.stringMatching(message) });
    expect(pageRequests()).toHaveLength(0);
  });

  it('a missing file', async () => {
    const { code, stderr } = await warm(['--origin', 'http://127.0.0.1:9', '--urls-file', path.join(dir, 'nope.txt')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--urls-file .*nope\.txt: no such file/);
  });

  it('an unreachable sitemap', async () => {
    const { code, stderr } = await warm(['--sitemap', 'http://127.0.0.1:9/sitemap.xml', '--retries', '0']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/could not read sitemap http:\/\/127\.0\.0\.1:9\/sitemap\.xml: fetch failed/);
  });

  it('a stats endpoint that refuses the token, before any page is requested', async () => {
    shop = await openShop();
    const { code, stderr } = await warm(['--origin', shop.origin, '/a', '--stats-url', `${shop.origin}/api/stats`], {
      VIEWLET_STATS_TOKEN: 'wrong-token-0123456789',
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/refused the token \(401\)/);
    expect(pageRequests()).toHaveLength(0);
  });
});

describe('next-viewlet warm: requests', () => {
  it('requests every page once per variant with its cookies and headers, and exits 0', async () => {
    shop = await openShop();
    const variants = file(
      'variants.json',
      JSON.stringify([{ name: 'anon' }, { name: 'alice', cookies: { user: 'alice', sid: 'abc' }, headers: { 'Accept-Language': 'sv' } }]),
    );
    const urls = file('pages.txt', `# pages\n${shop.origin}/a\n/b\n/a\n`);
    const { code, stdout, stderr } = await warm(['--origin', shop.origin, '/', '--urls-file', urls, '--variants', variants]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Warmed 6 requests \(3 pages × 2 variants\) on http:\/\/127\.0\.0\.1:\d+ in [\d.]+ s: 6 ok, 0 failed$/m);
    expect(stdout).toContain('statuses: 200 ×6');
    expect(stderr).toMatch(/^warming: 6 requests$/m);
    expect(stderr).toMatch(/^\[6\/6\] 200 [\d.]+ s http:\/\/127\.0\.0\.1:\d+\/\S* \[(anon|alice)\]$/m);
    // (fetch sends accept-language: * unless a variant sets it)
    const seen = pageRequests().map((r) => `${r.url} ${r.headers.cookie ?? '-'} ${r.headers['accept-language']}`);
    expect(seen.sort()).toEqual([
      '/ - *',
      '/ user=alice; sid=abc sv',
      '/a - *',
      '/a user=alice; sid=abc sv',
      '/b - *',
      '/b user=alice; sid=abc sv',
    ]);
    expect(pageRequests().every((r) => r.headers['user-agent'] === 'next-viewlet-warm/1')).toBe(true);
  });

  it('draws a progress bar on a terminal, with failures above it; --json keeps plain lines', async () => {
    shop = await openShop();
    const terminal = fakeTerminal();
    const { code, stdout, stderr } = await warm(['--origin', shop.origin, '/a', '/b', '/broken', '--retries', '0'], {}, terminal.stream);
    expect(code).toBe(1);
    expect(terminal.drawn()).toMatch(/warming \|[█░]+\| 3\/3 · 1 failed · /);
    expect(terminal.drawn()).toMatch(/500 http:\/\/127\.0\.0\.1:\d+\/broken/);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Warmed 3 requests/);

    const plain = fakeTerminal();
    const lines = await warm(['--origin', shop.origin, '/a', '--json'], {}, plain.stream);
    expect(plain.drawn()).toBe('');
    expect(lines.stderr).toMatch(/^\[1\/1\] 200 /m);
    expect(json(lines.stdout).passes[0].ok).toBe(1);
  });

  it('exits 1 when a page fails, and lists it', async () => {
    shop = await openShop();
    const { code, stdout } = await warm(['--origin', shop.origin, '/a', '/broken', '--retries', '0']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/2 requests .*: 1 ok, 1 failed/);
    expect(stdout).toContain('statuses: 200 ×1, 500 ×1');
    expect(stdout).toMatch(/failed:\n\s+HTTP 500 {2}http:\/\/127\.0\.0\.1:\d+\/broken/);
  });

  it('retries a page that answers 503 once, and counts it ok', async () => {
    shop = await openShop();
    let calls = 0;
    shop.routes['/flaky'] = () => (++calls === 1 ? { status: 503 } : { body: 'ok' });
    const { code, stdout, stderr } = await warm(['--origin', shop.origin, '/flaky', '--retry-delay', '1', '--json']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/retrying http:\/\/127\.0\.0\.1:\d+\/flaky after attempt 1: HTTP 503/);
    expect(json(stdout).passes[0]).toMatchObject({ requests: 1, ok: 1, byStatus: { 200: 1 } });
  });

  it('never has more than --concurrency requests in flight', async () => {
    shop = await openShop();
    let inFlight = 0;
    let most = 0;
    const slow = async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return { body: 'ok' };
    };
    const pages = ['/p1', '/p2', '/p3', '/p4', '/p5', '/p6'];
    for (const p of pages) shop.routes[p] = slow;
    const { code } = await warm(['--origin', shop.origin, ...pages, '--concurrency', '2']);
    expect(code).toBe(0);
    expect(most).toBe(2);
  });
});

describe('next-viewlet warm: what the servers rendered', () => {
  const stats = () => ['--stats-url', `${shop.origin}/api/stats`];

  it('reports the renders a warm-up absorbed; a second run right after renders nothing', async () => {
    shop = await openShop();
    const first = await warm(['--origin', shop.origin, '/', '/a', '/b', ...stats(), '--json']);
    expect(first.code).toBe(0);
    expect(json(first.stdout).passes[0].viewlets).toMatchObject({ renders: 3, misses: 3, hits: 0, settled: true });
    const second = await warm(['--origin', shop.origin, '/', '/a', '/b', ...stats(), '--json']);
    expect(json(second.stdout).passes[0].viewlets).toMatchObject({ renders: 0, misses: 0, hits: 3 });
    const text = await warm(['--origin', shop.origin, '/', '/a', '/b', ...stats()]);
    expect(text.stdout).toMatch(/viewlets: 0 renders absorbed \(0 misses\), 3 already cached; 0 errors/);
  });

  it('waits after a pass only for background renders: misses have rendered before their response ended', async () => {
    shop = await openShop();
    viewletCounters('someone-else').rendering = 1; // a visitor's render elsewhere on the site, never finishing here
    const { stdout } = await warm(['--origin', shop.origin, '/a', ...stats(), '--settle-timeout', '2000', '--json']);
    expect(json(stdout).passes[0].viewlets).toMatchObject({ misses: 1, renders: 1, settled: true });
    // the up-front check, then one reading before and one after the pass
    expect(shop.requests.filter((r) => r.url === '/api/stats')).toHaveLength(3);
  });

  it('adds up the counters of several stats endpoints (one per instance)', async () => {
    shop = await openShop();
    const { stdout } = await warm(['--origin', shop.origin, '/a', ...stats(), ...stats(), '--json']);
    // The same endpoint twice: every count doubled.
    expect(json(stdout).passes[0].viewlets).toMatchObject({ renders: 2, misses: 2 });
  });

  it('--until-ready exits 0 when the check pass is all hits (never-cached viewlets allowed)', async () => {
    shop = await openShop();
    shop.uncachedPages.add('/c');
    const { code, stdout } = await warm(['--origin', shop.origin, '/a', '/b', '/c', ...stats(), '--until-ready']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Checked 3 requests/m);
    expect(stdout).toMatch(/Ready: the check pass was all cache hits\.$/);
  });

  it('--until-ready exits 1 when a viewlet misses again, and names it', async () => {
    shop = await openShop();
    shop.failingPages.add('/b');
    const { code, stdout } = await warm(['--origin', shop.origin, '/a', '/b', ...stats(), '--until-ready', '--json']);
    expect(code).toBe(1);
    const summary = json(stdout);
    expect(summary.ready).toBe(false);
    expect(summary.passes[1].viewlets).toMatchObject({ renders: 1, misses: 1, hits: 1, errors: 1 });
    const text = await warm(['--origin', shop.origin, '/a', '/b', ...stats(), '--until-ready']);
    expect(text.stdout).toMatch(/Not ready: page\/b \(1 miss, 0 stale, 1 render\)\./);
  });

  it('--revalidate marks the tags stale first, then waits until the stale copies are re-rendered', async () => {
    shop = await openShop();
    await warm(['--origin', shop.origin, '/a', '/b']);
    const { code, stdout, stderr } = await warm([
      '--origin',
      shop.origin,
      '/a',
      '/b',
      ...stats(),
      '--revalidate',
      'product:1',
      '--webhook-url',
      `${shop.origin}/api/revalidate`,
      '--json',
    ]);
    expect(code).toBe(0);
    expect(shop.revalidated).toEqual(['product:1']);
    expect(stderr).toMatch(/^revalidated product:1: stale now, re-rendered behind the requests\nwarming: 2 requests$/m);
    const summary = json(stdout);
    expect(summary.revalidated).toEqual(['product:1']);
    // Both pages were served stale (no visitor waited) and re-rendered behind them; the summary waited for that.
    expect(summary.passes[0].viewlets).toMatchObject({ stale: 2, misses: 0, renders: 2, settled: true });
    const after = await warm(['--origin', shop.origin, '/a', '/b', ...stats(), '--json']);
    expect(json(after.stdout).passes[0].viewlets).toMatchObject({ hits: 2, stale: 0, renders: 0 });
  });

  it('--revalidate exits 1 without requesting pages when the webhook refuses', async () => {
    shop = await openShop();
    shop.routes['/api/revalidate'] = () =>
      Response.json({ error: { code: 'E_WEBHOOK_SIGNATURE', message: 'bad signature' } }, { status: 401 });
    const { code, stderr } = await warm([
      '--origin',
      shop.origin,
      '/a',
      '--revalidate',
      't',
      '--webhook-url',
      `${shop.origin}/api/revalidate`,
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/could not revalidate t: .*401 E_WEBHOOK_SIGNATURE/);
    expect(pageRequests()).toHaveLength(0);
  });
});
