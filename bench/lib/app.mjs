/**
 * One `next start` of apps/bench with a cache configuration, plus what the
 * scenarios read from it: its render counters (/api/renders), its resident
 * memory, and what it logged (the handler logs `cache store "<name>" is
 * failing` when its circuit breaker opens, and `is back.` when it closes).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNext } from '../../scripts/lib/next-server.mjs';
import { VISITOR } from './load.mjs';

export const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../apps/bench');

/** The cache configurations the scenarios compare, by name. */
export const CONFIGS = {
  builtin: "Next's built-in handler",
  memory: 'next-viewlet, memory',
  'memory-no-metrics': 'next-viewlet, memory, metrics off',
  redis: 'next-viewlet, redis',
  upstash: 'next-viewlet, upstash',
  cluster: 'next-viewlet, redis cluster',
  off: 'caching off',
};

// Variables that choose or tune the store: cleared for every instance, so a
// variable in the caller's shell never changes what a configuration measures.
const CLEARED = [
  'VIEWLET_STORE',
  'VIEWLET_STORE_TIMEOUT_MS',
  'VIEWLET_CACHE',
  'VIEWLET_DEBUG',
  'VIEWLET_METRICS',
  'VIEWLET_CACHE_PREFIX',
  'VIEWLET_NEXT_BUILTIN_HANDLER',
  'REDIS_URL',
  'REDIS_CLUSTER_URLS',
  'UPSTASH_REDIS_REST_URL',
  'UPSTASH_REDIS_REST_TOKEN',
  'KV_REST_API_URL',
  'KV_REST_API_TOKEN',
  'BENCH_HANDLER',
];

/** A key prefix of its own for a scenario: instances that share it share a cache. */
export const newPrefix = (label) => `bench:${label}:${randomBytes(4).toString('hex')}:`;

/** Environment of an instance of `config` on `backends` (`{ redis, upstash, clusterUrls }`). */
export function configEnv(config, backends = {}, prefix = newPrefix(config)) {
  const env = Object.fromEntries(CLEARED.map((name) => [name, '']));
  switch (config) {
    case 'builtin':
      return { ...env, BENCH_HANDLER: 'builtin' };
    case 'memory':
      return { ...env, VIEWLET_STORE: 'memory' };
    case 'memory-no-metrics':
      // What the per-viewlet metrics cost: the same store with them switched off.
      return { ...env, VIEWLET_STORE: 'memory', VIEWLET_METRICS: 'off' };
    case 'redis':
      return { ...env, VIEWLET_STORE: 'redis', REDIS_URL: backends.redis.url, VIEWLET_CACHE_PREFIX: prefix };
    case 'upstash':
      return {
        ...env,
        VIEWLET_STORE: 'upstash',
        UPSTASH_REDIS_REST_URL: backends.upstash.url,
        UPSTASH_REDIS_REST_TOKEN: backends.upstash.token,
        VIEWLET_CACHE_PREFIX: prefix,
      };
    case 'cluster':
      // Issue 8: REDIS_CLUSTER_URLS selects the cluster client. A handler that
      // does not know it yet falls back to its default store (memory).
      return { ...env, REDIS_CLUSTER_URLS: backends.clusterUrls.join(','), VIEWLET_CACHE_PREFIX: prefix };
    case 'off':
      return { ...env, VIEWLET_CACHE: 'off' };
    default:
      throw new Error(`unknown cache configuration ${JSON.stringify(config)}; use one of ${Object.keys(CONFIGS).join(', ')}`);
  }
}

/**
 * @param {string} config a key of CONFIGS
 * @param {{ backends?: object, prefix?: string, env?: Record<string, string>, renderDelayMs?: number }} [options]
 */
export async function startApp(config, { backends, prefix, env = {}, renderDelayMs = 50 } = {}) {
  const server = await startNext({
    appDir,
    env: { ...configEnv(config, backends, prefix), BENCH_RENDER_DELAY_MS: String(renderDelayMs), ...env },
    readyPath: '/api/renders',
    timeoutMs: 60_000,
  });
  const renders = async ({ reset = false, gc = false } = {}) => {
    const query = new URLSearchParams({ ...(reset && { reset: '1' }), ...(gc && { gc: '1' }) });
    const response = await fetch(`${server.baseURL}/api/renders?${query}`);
    if (!response.ok) throw new Error(`${CONFIGS[config]}: /api/renders answered ${response.status}`);
    return response.json();
  };
  return {
    config,
    label: CONFIGS[config],
    baseURL: server.baseURL,
    pid: server.pid,
    /** `{ renders: { name: n }, total, rssBytes }`, optionally resetting the counters. */
    renders,
    /** `{ rss, heapUsed, heapTotal, external, collected }` of the server process in bytes, after a full GC when it runs with --expose-gc. */
    memory: async () => {
      const r = await renders({ gc: true });
      return { rss: r.rssBytes, heapUsed: r.heapUsedBytes, heapTotal: r.heapTotalBytes, external: r.externalBytes, collected: r.collected };
    },
    /** Everything it printed so far. */
    output: server.output,
    /** Whether its output after character `from` says the store's circuit breaker opened. */
    breakerOpened: (from = 0) => /cache store "[^"]+" is failing/.test(server.output().slice(from)),
    /** The breaker's warnings after character `from` (they say which call failed, and how). */
    breakerWarnings: (from = 0) =>
      server
        .output()
        .slice(from)
        .match(/cache store "[^"]+" is failing[^\n]*/g) ?? [],
    stop: server.stop,
  };
}

/** Starts several instances at once (they start faster side by side than one after another). */
export const startApps = (specs) => Promise.all(specs.map(([config, options]) => startApp(config, options)));

/** GETs `path` with the stable visitor (or `headers`), reads the body, and returns `{ status, text }`. */
export async function visit(app, pathname, headers = VISITOR) {
  const response = await fetch(`${app.baseURL}${pathname}`, { headers });
  return { status: response.status, text: await response.text() };
}

/** How many viewlets a page's HTML shows (each renders a `data-viewlet` attribute). */
export const viewletsShown = (html) => new Set(html.match(/data-viewlet="[^"]+"/g) ?? []).size;
