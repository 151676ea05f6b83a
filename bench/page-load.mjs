/**
 * Page-level benchmark: the demo under `next start`, side by side in one run,
 * with Next's built-in 'use cache' handler, next-viewlet's handler (memory and
 * Redis), and caching off. Prints numbers and ratios; machines are noisy, so
 * read the ratios.
 *
 *   npm run build && npm run bench:pages      (BENCH_SECONDS=8 BENCH_CONNECTIONS=10 to tune)
 *
 * Scenario "hits": the home page of 7 viewlets (100 ms per render when not
 * cached) at low concurrency, so latency, not the load generator, decides;
 * configs are interleaved over BENCH_ROUNDS rounds and medians reported.
 * Scenario "stale": a viewlet that goes stale every second under steady load;
 * counts the requests that had to wait for a re-render (slower than 250 ms
 * while a render costs 300 ms).
 */
import autocannon from 'autocannon';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNext } from '../scripts/lib/next-server.mjs';
import { startRedis } from '../scripts/lib/redis-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const appDir = path.join(root, 'apps/demo');
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 2);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

function load(url, { duration, connections: c }) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    const instance = autocannon({ url, duration, connections: c, timeout: 20 }, (error, result) =>
      error ? reject(error) : resolve({ result, latencies }),
    );
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
}

async function scenario(label, env, run) {
  const server = await startNext({ appDir, env: { DEMO_RENDER_DELAY_MS: '100', ...env }, readyPath: '/signin' });
  try {
    return { label, ...(await run(server.baseURL)) };
  } finally {
    await server.stop();
  }
}

async function hits(baseURL) {
  // The home page: every viewlet on it caches (a product page has one that fails on purpose).
  const url = `${baseURL}/`;
  for (let i = 0; i < 3; i++) await fetch(url).then((r) => r.text());
  const { result } = await load(url, { duration: seconds, connections });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

async function stale(baseURL) {
  const url = `${baseURL}/`;
  await fetch(url).then((r) => r.text());
  const { result, latencies } = await load(url, { duration: seconds, connections: 4 });
  const slow = latencies.filter((ms) => ms > 250).length;
  return {
    requests: latencies.length,
    slow,
    slowShare: slow / Math.max(1, latencies.length),
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

const redis = await startRedis();
try {
  const configs = [
    ['next built-in handler', { VIEWLET_NEXT_BUILTIN_HANDLER: '1' }],
    ['next-viewlet, memory', {}],
    ['next-viewlet, redis', { REDIS_URL: redis.url, VIEWLET_CACHE_PREFIX: `bench:${Date.now()}:` }],
    ['caching off', { VIEWLET_CACHE: 'off' }],
  ];
  const samples = new Map(configs.map(([label]) => [label, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [label, env] of configs) samples.get(label).push(await scenario(label, env, hits));
  }
  const hitRows = configs.map(([label]) => {
    const runs = samples.get(label);
    return {
      label,
      rps: median(runs.map((r) => r.rps)),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      errors: runs.reduce((n, r) => n + r.errors, 0),
    };
  });
  const base = hitRows[0].rps;
  console.log(`\nhits: / (7 viewlets, 100 ms per render), ${connections} connections, ${seconds} s, median of ${rounds} rounds`);
  console.table(
    hitRows.map((r) => ({
      config: r.label,
      'req/s': Math.round(r.rps),
      'p50 ms': r.p50,
      'p99 ms': r.p99,
      errors: r.errors,
      'vs built-in': `${(r.rps / base).toFixed(2)}x`,
    })),
  );

  const staleRows = [];
  for (const [label, env] of configs.slice(0, 2)) {
    staleRows.push(await scenario(label, { ...env, DEMO_DEAL_REVALIDATE_S: '1', DEMO_RENDER_DELAY_MS: '300' }, stale));
  }
  console.log(`\nstale: / with a viewlet that goes stale every second (300 ms per render), 4 connections, ${seconds} s each`);
  console.table(
    staleRows.map((r) => ({
      config: r.label,
      requests: r.requests,
      'waited for a render': r.slow,
      share: `${(r.slowShare * 100).toFixed(2)}%`,
      'p99 ms': r.p99,
      errors: r.errors,
    })),
  );
} finally {
  await redis.stop();
}
