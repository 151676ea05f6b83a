/**
 * The stats Route Handler: closed without a token (503), 401 without the right
 * one, JSON by default, Prometheus text by `?format=` or content negotiation,
 * with the names and labels Prometheus expects.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countStat } from '../../src/cache/cache-stats.ts';
import { viewlet } from '../../src/core/define.ts';
import { clearRegistry } from '../../src/core/registry.ts';
import { metricsSnapshot } from '../../src/metrics/metrics-snapshot.ts';
import {
  recordRender,
  recordRenderStart,
  registerKindStore,
  registerStoreProbe,
  resetMetrics,
  viewletCounters,
} from '../../src/metrics/metrics-registry.ts';
import { createStatsHandler } from '../../src/metrics/stats-handler.ts';

const TOKEN = 'stats-token-0123456789abcdef';
const OLD_TOKEN = 'old-stats-token-0123456789';
const URL_ = 'https://shop.test/api/viewlets/stats';

viewlet({ name: 'teaser', vary: 'path', life: { revalidate: '5m', expire: '1d' }, store: 'remote' }, () => 'x');
afterAll(() => clearRegistry());

beforeEach(() => {
  resetMetrics();
  Object.assign(viewletCounters('teaser'), { hit: 3, stale: 1, miss: 1, render: 2, error: 1, bytesStored: 120 });
  for (const seconds of [0.1, 0.2, 0.3]) {
    recordRenderStart('nav');
    recordRender('nav', seconds, false);
  }
  countStat('redis', 'hit', 5);
  countStat('redis', 'miss', 2);
  countStat('redis', 'error', 3);
  countStat('redis', 'timeout', 2);
  registerStoreProbe('redis', { breaker: () => 'open', pendingInvalidations: () => 4 });
  registerKindStore('remote', 'redis');
  registerKindStore('default', 'memory');
});
afterEach(() => {
  vi.useRealTimers();
  resetMetrics();
});

const get = (handler: ReturnType<typeof createStatsHandler>, init: { path?: string; headers?: Record<string, string> } = {}) =>
  handler(new Request(`${URL_}${init.path ?? ''}`, { headers: init.headers ?? {} }));
const auth = (token = TOKEN) => ({ authorization: `Bearer ${token}` });

describe('createStatsHandler: access', () => {
  it.each([
    ['no token', undefined],
    ['an empty token', ''],
    ['no tokens', []],
  ])('answers 503 with %s configured, whatever is sent', async (_label, token) => {
    const response = await get(createStatsHandler({ token }), { headers: auth() });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: { code: 'E_STATS_DISABLED', message: expect.stringMatching(/no token is configured/) },
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 503 when the configured token is too short to be a secret', async () => {
    const response = await get(createStatsHandler({ token: 'short' }), { headers: auth('short') });
    expect(response.status).toBe(503);
    expect((await response.json()).error.message).toMatch(/shorter than 16 characters/);
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token of the same length', auth(TOKEN.replace(/.$/, 'X'))],
    ['a longer token that starts with the right one', auth(`${TOKEN}0`)],
    ['another scheme', { authorization: `Basic ${TOKEN}` }],
    ['the token without a scheme', { authorization: TOKEN }],
  ])('answers 401 to %s', async (_label, headers) => {
    const response = await get(createStatsHandler({ token: TOKEN }), { headers });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="next-viewlet stats"');
    expect((await response.json()).error.code).toBe('E_STATS_UNAUTHORIZED');
  });

  it('accepts any of several tokens (rotation)', async () => {
    const handler = createStatsHandler({ token: [TOKEN, OLD_TOKEN] });
    expect((await get(handler, { headers: auth(OLD_TOKEN) })).status).toBe(200);
    expect((await get(handler, { headers: { authorization: `bearer  ${TOKEN}` } })).status).toBe(200);
  });
});

describe('createStatsHandler: JSON', () => {
  it('answers the snapshot as JSON by default', async () => {
    const response = await get(createStatsHandler({ token: TOKEN }), { headers: auth() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.json();
    expect(body).toMatchObject({
      version: 1,
      metricsEnabled: true,
      windowSeconds: 600,
      instance: { pid: process.pid, id: expect.stringMatching(new RegExp(`:${process.pid}$`)) },
      totals: { hit: 3, stale: 1, miss: 1, render: 5, error: 1 },
      viewlets: {
        teaser: {
          hit: 3,
          stale: 1,
          miss: 1,
          render: 2,
          error: 1,
          bytesStored: 120,
          hitRatio: 0.8,
          policy: {
            vary: 'path',
            life: { kind: 'explicit', revalidate: 300, expire: 86400 },
            mode: 'output',
            island: false,
            store: 'remote',
          },
        },
        nav: { render: 3, renderSeconds: { count: 3, sum: 0.6, p50: expect.closeTo(0.2, 5), p99: expect.closeTo(0.3, 5) } },
      },
      stores: { redis: { hit: 5, miss: 2, error: 3, timeout: 2, pendingInvalidations: 4, breaker: 'open', hitRatio: 5 / 7 } },
    });
    expect(Object.keys(body.viewlets)).toEqual(['nav', 'teaser']);
    expect(body.kinds).toEqual({ default: 'memory', remote: 'redis' });
    expect(Date.parse(body.generatedAt)).not.toBeNaN();
  });

  it('lists a registered viewlet before its first call, at zero', async () => {
    resetMetrics();
    const snapshot = await metricsSnapshot();
    expect(snapshot.viewlets.teaser).toMatchObject({ hit: 0, render: 0, hitRatio: null, renderSeconds: { count: 0, p50: null } });
    expect(snapshot.totals.hitRatio).toBeNull();
  });

  it('computes quantiles over the last 10 minutes; the counts stay', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    resetMetrics();
    for (let i = 1; i <= 100; i++) {
      recordRenderStart('teaser');
      recordRender('teaser', i / 100, false);
    }
    expect((await metricsSnapshot()).viewlets.teaser!.renderSeconds).toMatchObject({
      count: 100,
      p50: expect.closeTo(0.5, 1),
      p95: expect.closeTo(0.95, 1),
      p99: expect.closeTo(0.99, 1),
    });
    vi.setSystemTime(Date.parse('2026-01-01T00:11:00Z'));
    expect((await metricsSnapshot()).viewlets.teaser!.renderSeconds).toMatchObject({ count: 100, p50: null, p99: null });
  });
});

describe('createStatsHandler: Prometheus text', () => {
  const PROMETHEUS_ACCEPT =
    'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

  it('?format=prometheus answers the text exposition format with Prometheus names and labels', async () => {
    const response = await get(createStatsHandler({ token: TOKEN }), { path: '?format=prometheus', headers: auth() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    for (const line of [
      '# TYPE viewlet_calls_total counter',
      'viewlet_calls_total{viewlet="teaser",outcome="hit"} 3',
      'viewlet_calls_total{viewlet="teaser",outcome="stale"} 1',
      'viewlet_calls_total{viewlet="teaser",outcome="miss"} 1',
      'viewlet_calls_total{viewlet="teaser",outcome="joined"} 0',
      'viewlet_renders_total{viewlet="nav"} 3',
      'viewlet_errors_total{viewlet="teaser"} 1',
      'viewlet_stored_bytes_total{viewlet="teaser"} 120',
      '# TYPE viewlet_render_duration_seconds summary',
      'viewlet_render_duration_seconds_count{viewlet="nav"} 3',
      'viewlet_renders_in_flight{viewlet="nav"} 0',
      'viewlet_store_reads_total{store="redis",outcome="hit"} 5',
      'viewlet_store_reads_total{store="redis",outcome="miss"} 2',
      'viewlet_store_errors_total{store="redis"} 3',
      'viewlet_store_timeouts_total{store="redis"} 2',
      'viewlet_store_lag_timeouts_total{store="redis"} 0',
      'viewlet_store_pending_invalidations{store="redis"} 4',
      'viewlet_store_breaker_state{store="redis",state="open"} 1',
      'viewlet_store_breaker_state{store="redis",state="closed"} 0',
      '# TYPE viewlet_info gauge',
      'viewlet_info{viewlet="teaser",store="remote"} 1',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
    expect(text).toMatch(/^viewlet_render_duration_seconds\{quantile="0\.95",viewlet="nav"\} 0\.3$/m);
  });

  it.each([
    ['Prometheus’s own Accept header', PROMETHEUS_ACCEPT, 'text/plain'],
    ['text/plain', 'text/plain', 'text/plain'],
    ['application/json', 'application/json', 'application/json'],
    ['a browser’s Accept header', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'application/json'],
    ['*/*', '*/*', 'application/json'],
  ])('negotiates %s', async (_label, accept, type) => {
    const response = await get(createStatsHandler({ token: TOKEN }), { headers: { ...auth(), accept } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(type);
    expect(response.headers.get('vary')).toBe('accept, authorization');
  });

  it('?format wins over Accept; an unknown format is 400; nothing acceptable is 406', async () => {
    const handler = createStatsHandler({ token: TOKEN });
    const json = await get(handler, { path: '?format=json', headers: { ...auth(), accept: 'text/plain' } });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const bad = await get(handler, { path: '?format=xml', headers: auth() });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('E_STATS_FORMAT');
    const none = await get(handler, { headers: { ...auth(), accept: 'application/xml' } });
    expect(none.status).toBe(406);
    expect((await none.json()).error.code).toBe('E_STATS_NOT_ACCEPTABLE');
  });

  it('authentication comes before negotiation', async () => {
    const response = await get(createStatsHandler({ token: TOKEN }), { path: '?format=xml' });
    expect(response.status).toBe(401);
  });
});

describe('store counters', () => {
  it('keep their shape in stats(), and the gauges the handler registered are in the snapshot', async () => {
    const { stats } = await import('../../src/cache/cache-stats.ts');
    expect(stats().redis).toEqual({ hit: 5, stale: 0, miss: 2, error: 3, timeout: 2, lagTimeout: 0, set: 0, skip: 0 });
    expect((await metricsSnapshot()).stores.redis).toMatchObject({ pendingInvalidations: 4, breaker: 'open' });
  });
});
