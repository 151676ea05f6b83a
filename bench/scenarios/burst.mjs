/**
 * Burst: two instances on one store, 100 + 100 concurrent cold requests
 * (`autocannon -c 100 -a 100` against each, at once) for one new user on
 * /user (10 viewlets varying by user), 3 rounds with a new user each. Counts
 * renders cluster-wide per round (10 when the fill lock works), status codes,
 * and whether a circuit breaker opened (the handler logs `cache store
 * "<name>" is failing`). The cluster variant runs the same on a 3-master Redis
 * Cluster started by scripts/lib/redis-cluster.mjs.
 */
import { randomInt } from 'node:crypto';
import { newPrefix, startApps } from '../lib/app.mjs';
import { hasClusterStarter, startBackends, startCluster } from '../lib/backends.mjs';
import { load, statusText } from '../lib/load.mjs';

async function rounds(ctx, apps, size) {
  const rows = [];
  // Where each instance's log was last read for the breaker's warning: from one round's check to the
  // next, so a warning printed after a round's responses (a background write failing) is not missed.
  let marks = apps.map((app) => app.output().length);
  for (let round = 1; round <= size.rounds; round++) {
    const user = `u${randomInt(1e9, 1e10)}`;
    const headers = { cookie: `bench-user=${user}` };
    await Promise.all(apps.map((app) => app.renders({ reset: true })));
    const results = await Promise.all(
      apps.map((app) => load({ url: `${app.baseURL}/user`, connections: size.concurrency, amount: size.concurrency, headers })),
    );
    const counts = await Promise.all(apps.map((app) => app.renders({ reset: true })));
    const renders = counts.map((c) => Object.entries(c.renders).reduce((n, [name, v]) => n + (name.startsWith('user-') ? v : 0), 0));
    // Which viewlets rendered more than once, and where: what a double render is traced from.
    const twice = {};
    counts.forEach((c, i) => {
      for (const [name, v] of Object.entries(c.renders)) if (name.startsWith('user-')) (twice[name] ??= []).push(`${v}@${i + 1}`);
    });
    const repeated = Object.entries(twice)
      .filter(([, where]) => where.reduce((n, w) => n + Number(w.split('@')[0]), 0) > 1)
      .map(([name, where]) => `${name} (${where.join(', ')})`);
    const statusCodes = {};
    for (const r of results) for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
    const merged = { statusCodes, errors: results.reduce((n, r) => n + r.errors, 0) };
    const requests = results.reduce((n, r) => n + r.requests, 0);
    ctx.check(requests === size.concurrency * apps.length, `round ${round}: ${requests} responses of ${size.concurrency * apps.length}`);
    ctx.check(
      renders.reduce((a, b) => a + b, 0) > 0,
      `round ${round}: no renders counted for a new user; the round did not reach the viewlets`,
    );
    rows.push({
      round,
      renders: renders.reduce((a, b) => a + b, 0),
      perInstance: renders,
      repeated,
      status: statusText(merged),
      allOk: requests === size.concurrency * apps.length && merged.errors === 0 && Object.keys(statusCodes).every((c) => c === '200'),
      breaker: apps.some((app, i) => app.breakerOpened(marks[i])),
      why: apps.flatMap((app, i) => app.breakerWarnings(marks[i]).map((line) => `instance ${i + 1}: ${line}`)),
      p99: Math.max(...results.map((r) => r.p99)),
    });
    marks = apps.map((app) => app.output().length);
    ctx.log(
      `  round ${round}: ${rows.at(-1).renders} renders, ${rows.at(-1).status}${repeated.length ? `; more than once: ${repeated.join('; ')}` : ''}`,
    );
  }
  return rows;
}

function report(size, rows, storeLabel) {
  return {
    measures:
      `Two instances on one ${storeLabel}, default settings, ${size.concurrency} + ${size.concurrency} concurrent requests ` +
      `(one per connection) for one new user on /user (10 viewlets per user, 50 ms I/O + 1 ms CPU each), ${size.rounds} round(s).`,
    tables: [
      {
        columns: [
          'round',
          'renders cluster-wide',
          'per instance',
          'rendered more than once (renders@instance)',
          'status codes',
          'breaker opened',
          'p99 ms',
        ],
        rows: rows.map((r) => [
          r.round,
          r.renders,
          r.perInstance.join(' + '),
          r.repeated.join('; ') || 'none',
          r.status,
          r.breaker ? 'yes' : 'no',
          Math.round(r.p99),
        ]),
      },
    ],
    targets: [
      {
        target: '10 renders cluster-wide in every round',
        measured: rows.map((r) => r.renders).join(', '),
        met: rows.every((r) => r.renders === 10),
      },
      { target: 'every response 200', measured: rows.every((r) => r.allOk) ? 'yes' : 'no', met: rows.every((r) => r.allOk) },
      { target: 'the breaker never opens', measured: rows.some((r) => r.breaker) ? 'opened' : 'never', met: !rows.some((r) => r.breaker) },
    ],
    // Why a breaker opened, in its own words: the call that failed and how.
    notes: rows.flatMap((r) => r.why.map((line) => `Round ${r.round}, ${line.slice(0, 400)}`)),
    data: { size, rows },
  };
}

const sizeOf = (ctx) => (ctx.quick ? { rounds: 1, concurrency: 20 } : { rounds: 3, concurrency: 100 });

export const burst = {
  name: 'burst',
  title: 'Burst: 100 + 100 cold requests for one new user, two instances, one redis',
  async run(ctx) {
    const size = sizeOf(ctx);
    const backends = await startBackends();
    const prefix = newPrefix('burst');
    const apps = await startApps([
      ['redis', { backends, prefix }],
      ['redis', { backends, prefix }],
    ]);
    try {
      return report(size, await rounds(ctx, apps, size), 'redis-server');
    } finally {
      await Promise.all(apps.map((app) => app.stop()));
      await backends.stop();
    }
  },
};

export const burstCluster = {
  name: 'burst-cluster',
  title: 'Burst on a Redis Cluster (3 masters)',
  async run(ctx) {
    if (!hasClusterStarter()) return { skipped: 'no cluster starter (scripts/lib/redis-cluster.mjs does not exist yet)' };
    const size = sizeOf(ctx);
    const cluster = await startCluster({ masters: 3, replicas: 0 });
    const prefix = newPrefix('burst-cluster');
    const apps = await startApps([
      ['cluster', { backends: { clusterUrls: cluster.urls }, prefix }],
      ['cluster', { backends: { clusterUrls: cluster.urls }, prefix }],
    ]);
    try {
      const result = report(size, await rounds(ctx, apps, size), 'Redis Cluster (3 masters)');
      result.notes.push(
        `REDIS_CLUSTER_URLS=${cluster.urls.join(',')}; a handler that does not read it falls back to memory (then 20 renders).`,
      );
      return result;
    } finally {
      await Promise.all(apps.map((app) => app.stop()));
      await cluster.stop();
    }
  },
};
