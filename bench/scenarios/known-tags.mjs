/**
 * Known tags: the cost of one page view after an instance has seen 10, 1k,
 * 10k and 100k distinct tags (the fill's `fill:<id>` tags, one per variant,
 * plus a `_N_T_<path>` soft tag per fill request: tags `refreshTags()` once
 * re-read on every request). Measured on redis (bytes in
 * and out of redis-server, its command time) and on Upstash through the REST
 * fixture (request and response body bytes, requests, and the time of the
 * redis-server behind it).
 */
import { startApp, visit } from '../lib/app.mjs';
import { startBackends } from '../lib/backends.mjs';
import { fillVariants } from '../lib/fill.mjs';
import { load } from '../lib/load.mjs';
import { fixed, kb, mb, ratio } from '../lib/report.mjs';

export const knownTags = {
  name: 'known-tags',
  title: 'Known tags: page-view cost as an instance sees more tags',
  async run(ctx) {
    const size = ctx.quick ? { levels: [10, 100], views: 20 } : { levels: [10, 1_000, 10_000, 100_000], views: 200 };
    const backends = await startBackends({ upstash: true });
    const rows = [];
    const notes = [
      'Tags are seen through /fill/<n>?k=10 (a route handler filling 10 variants per request, one `use cache` entry and one ' +
        'tag `fill:<id>` each, plus the `_N_T_` soft tag of its path, renders free); the measured views are of the page /paths/1.',
      'The handler keeps at most `maxKnownTags` (default 10,000) tag records in memory; before the journal, a view re-read them all.',
    ];
    try {
      for (const config of ['redis', 'upstash']) {
        // Renders cost nothing here: the fill is about variety, not render time.
        const app = await startApp(config, { backends, renderDelayMs: 0 });
        try {
          // Page views are measured on /paths/1: see it once first, so it is a cached page like any other seen path.
          await visit(app, '/paths/1');
          const deadline = Date.now() + ctx.fillSeconds * 1000;
          let seen = 0;
          for (const level of size.levels) {
            const fill = await fillVariants(app, seen, level, { deadline });
            ctx.check(fill.failed === 0, `${app.label}: ${fill.failed} of ${fill.requests} fill requests failed`);
            ctx.check(
              fill.renders >= (fill.reached - seen) * 0.99,
              `${app.label}: ${fill.reached - seen} new variants rendered only ${fill.renders} times`,
            );
            const rate = (fill.reached - seen) / Math.max(fill.seconds, 0.001);
            ctx.log(`  ${app.label}: ${fill.reached} tags seen (${fixed(rate)} tags/s)`);
            if (fill.reached < level) {
              notes.push(
                `${app.label}: the fill reached ${fill.reached} of ${level} tags in its time box (${ctx.fillSeconds} s, --fill-minutes), ` +
                  `the last step at ${fixed(rate)} tags/s; measured there.`,
              );
            }
            seen = fill.reached;
            const restBefore = backends.upstash && { ...backends.upstash.bytes, requests: totalRequests(backends.upstash) };
            const measured = await backends.probe.measure(() =>
              load({ url: `${app.baseURL}/paths/1`, connections: 1, amount: size.views }),
            );
            const { renders, rssBytes } = await app.renders({ reset: true });
            ctx.check(measured.value.failed === 0, `${app.label}: ${measured.value.failed} page views failed at ${level} tags`);
            ctx.check((renders['path-crumb'] ?? 0) === 0, `${app.label}: a seen path rendered again (${renders['path-crumb']}×)`);
            const views = measured.value.requests;
            const row = {
              store: config,
              tags: seen,
              // A rate over a handful of requests is autocannon's start-up, not the fill.
              fillRate: fill.requests >= 100 ? rate : undefined,
              redisUsPerView: measured.commands.usec / views,
              redisCallsPerView: measured.commands.calls / views,
              rssBytes,
              rps: measured.value.rps,
            };
            if (config === 'redis') {
              row.bytesSentPerView = measured.bytes.input / views;
              row.bytesReceivedPerView = measured.bytes.output / views;
            } else {
              const rest = backends.upstash;
              row.bytesSentPerView = (rest.bytes.received - restBefore.received) / views;
              row.bytesReceivedPerView = (rest.bytes.sent - restBefore.sent) / views;
              row.requestsPerView = (totalRequests(rest) - restBefore.requests) / views;
            }
            row.bytesPerView = row.bytesSentPerView + row.bytesReceivedPerView;
            rows.push(row);
            if (seen < level) break;
          }
          ctx.check(
            rows.some((r) => r.store === config && r.redisCallsPerView > 0),
            `${app.label}: no Redis command was counted in any page view; the probe measures nothing`,
          );
        } finally {
          await app.stop();
        }
      }
      const first = size.levels[0];
      const goal = size.levels.at(-1);
      const of = (store) => rows.filter((r) => r.store === store);
      const targets = ['redis', 'upstash'].flatMap((store) => {
        const [low, high] = [of(store)[0], of(store).at(-1)];
        const bytes = high.bytesPerView / low.bytesPerView;
        const time = high.redisUsPerView / low.redisUsPerView;
        const span = `${high.tags} / ${low.tags} tags${high.tags < goal ? ` (goal ${goal})` : ''}`;
        return [
          {
            target: `${store}: bytes per view, ${goal} / ${first} tags ≤ 1.5`,
            measured: `${fixed(bytes, 1)}× at ${span}`,
            met: bytes <= 1.5 && high.tags >= goal,
          },
          {
            target: `${store}: Redis time per view, ${goal} / ${first} tags ≤ 1.5`,
            measured: `${fixed(time, 1)}× at ${span}`,
            met: time <= 1.5 && high.tags >= goal,
          },
        ];
      });
      const at = (store) => of(store)[0];
      return {
        measures:
          `One instance per store sees distinct tags (each once, renders free) up to ${goal}, then ${size.views} page ` +
          'views of an already seen path (/paths/1) at each level, one at a time (concurrent requests share one tag ' +
          'refresh; one at a time is the cost of each). Bytes: redis-server `INFO stats` (sent = what the instance sent); ' +
          'Upstash: request and response bodies at the REST fixture. Redis time: `INFO commandstats` usec.',
        tables: [
          {
            columns: [
              'store',
              'tags seen',
              'bytes sent / view',
              'bytes received / view',
              'Redis µs / view',
              'Redis calls / view',
              'REST requests / view',
              'fill tags/s',
              'RSS',
              `bytes vs ${first}`,
            ],
            rows: rows.map((r) => [
              r.store,
              r.tags,
              kb(r.bytesSentPerView),
              kb(r.bytesReceivedPerView),
              fixed(r.redisUsPerView, 1),
              fixed(r.redisCallsPerView, 2),
              r.requestsPerView === undefined ? '' : fixed(r.requestsPerView, 2),
              r.fillRate === undefined ? '' : fixed(r.fillRate),
              mb(r.rssBytes),
              ratio(r.bytesPerView, at(r.store).bytesPerView),
            ]),
          },
        ],
        targets,
        notes,
        data: { size, rows },
        chart: { kind: 'known-tags', rows },
      };
    } finally {
      await backends.stop();
    }
  },
};

const totalRequests = (rest) => Object.values(rest.requests).reduce((n, v) => n + v, 0);
