/**
 * Pages: the fully cached page (/cached, 10 sitewide viewlets) under load,
 * for every cache configuration side by side, interleaved over rounds. Every
 * request carries the same visitor cookie, and the run fails when a "cached"
 * configuration renders on every request (read from /api/renders), so the
 * numbers are those of cache hits.
 */
import { availableParallelism } from 'node:os';
import { startApps, viewletsShown, visit } from '../lib/app.mjs';
import { startBackends } from '../lib/backends.mjs';
import { load, median } from '../lib/load.mjs';
import { fixed, ratio } from '../lib/report.mjs';
import { Bench } from 'tinybench';
// The bookkeeping a viewlet call does with metrics on (what VIEWLET_METRICS=off skips): internal, built JS.
import { trackViewletCall } from '../../packages/next-viewlet/dist/metrics/track-viewlet-call.js';

/**
 * What the metrics add to one view of /cached, in µs: 10 viewlet calls through
 * trackViewletCall (count, outcome, async context) against the same 10 calls
 * bare, timed in this process. Side by side req/s cannot resolve 2 % on a
 * shared machine; this can, and is set against the CPU a page view costs.
 */
async function metricsCostPerView(quick) {
  const value = Promise.resolve('<div>cached</div>');
  const call = () => value;
  const bench = new Bench({ time: quick ? 100 : 1000 });
  bench
    .add('bare', async () => {
      for (let i = 0; i < 10; i++) await call();
    })
    .add('tracked', async () => {
      for (let i = 0; i < 10; i++) {
        const tracked = trackViewletCall(`bench-${i}`);
        await tracked.cached(call);
        tracked.done();
      }
    });
  await bench.run();
  const mean = (name) => bench.tasks.find((t) => t.name === name).result.latency.mean * 1000; // ms -> µs
  return Math.max(0, mean('tracked') - mean('bare'));
}

const CONFIG_ORDER = ['builtin', 'memory', 'memory-no-metrics', 'redis', 'upstash', 'off'];

export const pages = {
  name: 'pages',
  title: 'Pages: a fully cached page',
  async run(ctx) {
    // Many short rounds rather than a few long ones: on a shared machine, load from elsewhere then falls on
    // every configuration alike, and the median of the rounds sets it aside.
    const size = ctx.quick ? { rounds: 1, seconds: 1, connections: 4 } : { rounds: 8, seconds: 2, connections: 10 };
    const backends = await startBackends({ upstash: true });
    const apps = await startApps(CONFIG_ORDER.map((config) => [config, { backends }]));
    try {
      for (const app of apps) {
        for (let i = 0; i < 2; i++) {
          const page = await visit(app, '/cached');
          ctx.check(page.status === 200, `${app.label}: /cached answered ${page.status}`);
          ctx.check(viewletsShown(page.text) === 10, `${app.label}: /cached showed ${viewletsShown(page.text)} viewlets, expected 10`);
        }
        // JIT and connection warm-up, not measured.
        if (!ctx.quick) await load({ url: `${app.baseURL}/cached`, connections: 2, duration: 1 });
        await app.renders({ reset: true });
      }
      const samples = new Map(apps.map((app) => [app.config, []]));
      for (let round = 0; round < size.rounds; round++) {
        // Rotate the order each round, so no configuration always runs first or last.
        const order = apps.map((_, i) => apps[(i + round) % apps.length]);
        for (const app of order) {
          const result = await load({ url: `${app.baseURL}/cached`, connections: size.connections, duration: size.seconds });
          const { total } = await app.renders({ reset: true });
          samples.get(app.config).push({ ...result, renders: total, responses: undefined });
          ctx.log(`  round ${round + 1}: ${app.label} ${fixed(result.rps)} req/s, ${total} renders`);
        }
      }
      const rows = apps.map((app) => {
        const runs = samples.get(app.config);
        const requests = runs.reduce((n, r) => n + r.requests, 0);
        const renders = runs.reduce((n, r) => n + r.renders, 0);
        const failed = runs.reduce((n, r) => n + r.failed, 0);
        ctx.check(failed === 0, `${app.label}: ${failed} of ${requests} requests failed`);
        if (app.config === 'off') {
          ctx.check(
            renders >= requests * 10 * 0.9,
            `caching off rendered ${renders} viewlets in ${requests} requests; every request should render all 10`,
          );
        } else {
          ctx.check(
            renders <= Math.max(10, requests * 0.01),
            `${app.label} rendered ${renders} viewlets in ${requests} requests of the fully cached page: it is not serving hits ` +
              '(a viewlet per visitor on the page, or a visitor cookie that changes?)',
          );
        }
        return {
          config: app.config,
          label: app.label,
          rps: median(runs.map((r) => r.rps)),
          p50: median(runs.map((r) => r.p50)),
          p99: median(runs.map((r) => r.p99)),
          requests,
          renders,
          failed,
        };
      });
      const by = Object.fromEntries(rows.map((r) => [r.config, r]));
      const redisVsMemory = by.redis.rps / by.memory.rps;
      const metricsCost = by.memory.rps / by['memory-no-metrics'].rps;
      // A view's CPU at saturation: the instance's 2 cores (os.availableParallelism) over its req/s.
      const viewMicros = (availableParallelism() * 1e6) / by['memory-no-metrics'].rps;
      const metricsMicros = await metricsCostPerView(ctx.quick);
      const metricsShare = metricsMicros / viewMicros;
      return {
        measures:
          `/cached (10 sitewide viewlets, ${ctx.renderNote}) under \`next start\`, one instance per configuration, ` +
          `${size.connections} connections for ${size.seconds} s per configuration and round, ${size.rounds} round(s) interleaved; ` +
          'medians of the rounds. Every request has the same visitor cookie; renders come from /api/renders.',
        tables: [
          {
            columns: ['config', 'req/s', 'p50 ms', 'p99 ms', 'renders / request', 'failed', 'vs built-in', 'vs memory'],
            rows: rows.map((r) => [
              r.label,
              fixed(r.rps),
              fixed(r.p50),
              fixed(r.p99),
              fixed(r.renders / Math.max(1, r.requests), 2),
              r.failed,
              ratio(r.rps, by.builtin.rps),
              ratio(r.rps, by.memory.rps),
            ]),
          },
        ],
        targets: [
          { target: 'redis ≥ 0.95× memory (req/s)', measured: ratio(by.redis.rps, by.memory.rps), met: redisVsMemory >= 0.95 },
          {
            target: 'metrics cost ≤ 2%: memory ≥ 0.98× memory with metrics off (req/s)',
            measured: ratio(by.memory.rps, by['memory-no-metrics'].rps),
            met: metricsCost >= 0.98,
          },
          {
            target: 'metrics cost ≤ 2% of a page view (their µs per view ÷ a view’s CPU µs)',
            measured: `${fixed(metricsMicros, 1)} µs of ${fixed(viewMicros)} µs = ${fixed(metricsShare * 100, 2)} %`,
            met: metricsShare <= 0.02,
          },
        ],
        data: { size, rows, metricsMicros, viewMicros },
      };
    } finally {
      await Promise.all(apps.map((app) => app.stop()));
      await backends.stop();
    }
  },
};
