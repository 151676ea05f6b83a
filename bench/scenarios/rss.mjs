/**
 * Resident memory of one instance on redis after it has served 100k distinct
 * variants (2 KB each, through /fill/<n>, see lib/fill.mjs). The handler's
 * first tier is bounded by `l1MaxBytes` (default 32 MiB in front of a shared
 * store) and its known tags by `maxKnownTags`, so memory should level off.
 * The process runs with --expose-gc and is read after a full collection, so
 * the numbers are what it retains, not garbage it has not collected yet.
 */
import { startApp } from '../lib/app.mjs';
import { startBackends } from '../lib/backends.mjs';
import { fillPaths } from '../lib/fill.mjs';
import { fixed, mb } from '../lib/report.mjs';

const L1_BOUND = 32 * 1024 * 1024;
// Room above the first tier for known tags, V8's heap layout and Next's own caches.
const SLACK = 64 * 1024 * 1024;

export const rss = {
  name: 'rss',
  title: 'Resident memory after 100k distinct variants',
  async run(ctx) {
    const variants = ctx.quick ? 500 : 100_000;
    const steps = ctx.quick ? [variants] : [10_000, 30_000, variants];
    const backends = await startBackends();
    const app = await startApp('redis', { backends, renderDelayMs: 0, env: { NODE_OPTIONS: '--expose-gc' } });
    const notes = [];
    try {
      await fillPaths(app, 0, 200); // warm-up: JIT, connections, Next's route caches
      const before = await app.memory();
      ctx.check(before.collected, 'the server did not run with --expose-gc; memory would include uncollected garbage');
      const points = [{ variants: 200, ...before }];
      const deadline = Date.now() + ctx.fillSeconds * 1000;
      let seen = 200;
      for (const step of steps) {
        const fill = await fillPaths(app, seen, step, { deadline });
        ctx.check(fill.failed === 0, `${app.label}: ${fill.failed} of ${fill.requests} requests failed while filling variants`);
        ctx.check(
          fill.renders >= (fill.reached - seen) * 0.99,
          `${app.label}: ${fill.reached - seen} new variants rendered ${fill.renders} times`,
        );
        const rate = fill.requests / Math.max(fill.seconds, 0.001);
        seen = fill.reached;
        points.push({ variants: seen, rate, ...(await app.memory()) });
        ctx.log(`  ${seen} variants: RSS ${mb(points.at(-1).rss)} (${fixed(rate)} variants/s)`);
        if (seen < step) {
          notes.push(`The fill reached ${seen} of ${variants} variants in its time box (${ctx.fillSeconds} s, --fill-minutes).`);
          break;
        }
      }
      const after = points.at(-1);
      ctx.check(before.rss > 0 && after.rss > 0, 'RSS could not be read from /api/renders');
      const growth = after.rss - before.rss;
      notes.push(`The variants add up to about ${mb(seen * 2048)} of cached output.`);
      return {
        measures:
          `One instance on redis (default first tier: ${mb(L1_BOUND)}) serves distinct variants once each, up to ${variants}; ` +
          'RSS and V8 heap of the `next start` process after a full GC (from /api/renders?gc=1).',
        tables: [
          {
            columns: ['variants served', 'RSS', 'V8 heap used', 'fill variants/s'],
            rows: points.map((p) => [p.variants, mb(p.rss), mb(p.heapUsed), p.rate === undefined ? '' : fixed(p.rate)]),
          },
        ],
        targets: [
          {
            target: `bounded after ${variants} variants: RSS growth ≤ first tier (${mb(L1_BOUND)}) + ${mb(SLACK)} slack`,
            measured: `${mb(before.rss)} → ${mb(after.rss)} (+${mb(growth)}) at ${seen} variants`,
            met: growth <= L1_BOUND + SLACK && seen >= variants,
          },
        ],
        notes,
        data: { variants, points },
      };
    } finally {
      await app.stop();
      await backends.stop();
    }
  },
};
