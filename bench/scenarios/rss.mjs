/**
 * Resident memory of one instance after it has served 100k distinct variants
 * (2 KB each, through /fill/<n>?k=10, see lib/fill.mjs), on redis and, for
 * comparison, with Next's built-in handler (an LRU of 50 MB). next-viewlet's
 * first tier is bounded by `l1MaxBytes` (default 32 MiB in front of a shared
 * store) and its known tags by `maxKnownTags`, so memory should level off.
 * Each process runs with --expose-gc and is read after a full collection, so
 * the numbers are what it retains, not garbage it has not collected yet.
 */
import { startApp } from '../lib/app.mjs';
import { startBackends } from '../lib/backends.mjs';
import { fillVariants } from '../lib/fill.mjs';
import { fixed, mb } from '../lib/report.mjs';

const L1_BOUND = 32 * 1024 * 1024;
// Bounded: over the second half of the fill, RSS grows by at most this share of what it was at half.
const LATE_GROWTH = 0.1;
const WARM = 200;

async function grow(ctx, app, variants, steps, notes) {
  await fillVariants(app, 0, WARM); // warm-up: JIT, connections, Next's route caches
  const before = await app.memory();
  ctx.check(before.collected, `${app.label}: the server did not run with --expose-gc; memory would include uncollected garbage`);
  const points = [{ variants: WARM, ...before }];
  const deadline = Date.now() + ctx.fillSeconds * 1000;
  let seen = WARM;
  for (const step of steps) {
    const fill = await fillVariants(app, seen, step, { deadline });
    ctx.check(fill.failed === 0, `${app.label}: ${fill.failed} of ${fill.requests} requests failed while filling variants`);
    ctx.check(
      fill.renders >= (fill.reached - seen) * 0.99,
      `${app.label}: ${fill.reached - seen} new variants rendered ${fill.renders} times`,
    );
    const rate = (fill.reached - seen) / Math.max(fill.seconds, 0.001);
    seen = fill.reached;
    points.push({ variants: seen, rate, ...(await app.memory()) });
    ctx.log(`  ${app.label}, ${seen} variants: RSS ${mb(points.at(-1).rss)} (${fixed(rate)} variants/s)`);
    if (seen < step) {
      notes.push(`${app.label}: the fill reached ${seen} of ${variants} variants in its time box (${ctx.fillSeconds} s, --fill-minutes).`);
      break;
    }
  }
  ctx.check(
    points.every((p) => p.rss > 0),
    `${app.label}: RSS could not be read from /api/renders`,
  );
  return { label: app.label, config: app.config, points };
}

export const rss = {
  name: 'rss',
  title: 'Resident memory after 100k distinct variants',
  async run(ctx) {
    const variants = ctx.quick ? 300 : 100_000;
    const steps = ctx.quick ? [150, variants] : [10_000, 30_000, 50_000, 75_000, variants];
    const backends = await startBackends();
    const notes = [];
    const series = [];
    try {
      // One at a time: two fills at once would share the cores and reach different counts.
      for (const config of ['redis', 'builtin']) {
        const app = await startApp(config, { backends, renderDelayMs: 0, env: { NODE_OPTIONS: '--expose-gc' } });
        try {
          series.push(await grow(ctx, app, variants, steps, notes));
        } finally {
          await app.stop();
        }
      }
    } finally {
      await backends.stop();
    }
    const redis = series.find((s) => s.config === 'redis');
    const builtin = series.find((s) => s.config === 'builtin');
    const reached = redis.points.at(-1).variants;
    // Where the second half of the fill starts: the first point at or past half the variants.
    const half = (s) => s.points.find((p) => p.variants >= variants / 2) ?? s.points.at(-1);
    const late = (s) => s.points.at(-1).rss - half(s).rss;
    notes.push(`The variants add up to about ${mb(reached * 2048)} of cached output on redis.`);
    if (builtin) {
      notes.push(
        `For comparison, at the end: RSS ${mb(redis.points.at(-1).rss)} on redis, ${mb(builtin.points.at(-1).rss)} with ` +
          `Next's built-in handler (${builtin.points.at(-1).variants} variants).`,
      );
    }
    notes.push(
      'RSS right after a fill includes the V8 heap that the allocation rate made V8 commit (the "committed" column; the live ' +
        'heap after GC is "used"): it is returned over the following seconds of idleness, and Next\'s own handler shows the same.',
    );
    return {
      measures:
        `One instance at a time (next-viewlet on redis, default first tier ${mb(L1_BOUND)}; Next's built-in handler, a 50 MB LRU) ` +
        `serves distinct variants once each, up to ${variants}; RSS and V8 heap of the \`next start\` process after a full GC ` +
        '(from /api/renders?gc=1).',
      tables: [
        {
          columns: ['config', 'variants served', 'RSS', 'V8 heap used', 'V8 heap committed', 'external (Buffers)', 'fill variants/s'],
          rows: series.flatMap((s) =>
            s.points.map((p) => [
              s.label,
              p.variants,
              mb(p.rss),
              mb(p.heapUsed),
              mb(p.heapTotal),
              mb(p.external),
              p.rate === undefined ? '' : fixed(p.rate),
            ]),
          ),
        },
      ],
      targets: [
        {
          target: `redis, bounded: RSS over the second half of the fill grows ≤ ${LATE_GROWTH * 100} % (levels off)`,
          measured:
            `${mb(half(redis).rss)} at ${half(redis).variants} → ${mb(redis.points.at(-1).rss)} at ${reached} variants ` +
            `(+${mb(late(redis))}; from ${mb(redis.points[0].rss)} warm)`,
          met: late(redis) <= LATE_GROWTH * half(redis).rss && reached >= variants,
        },
        {
          target: 'redis, V8 heap after GC at the end ≤ warm + the first tier',
          measured: `${mb(redis.points[0].heapUsed)} → ${mb(redis.points.at(-1).heapUsed)}`,
          met: redis.points.at(-1).heapUsed - redis.points[0].heapUsed <= L1_BOUND,
        },
      ],
      notes,
      data: { variants, series },
    };
  },
};
