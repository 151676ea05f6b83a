/**
 * Store round trips per page view of /user (10 viewlets): with a warm first
 * tier (the instance has read this user's page before) and a cold one (a
 * second instance reading, once each, what the first instance rendered).
 * Redis: commands from `INFO commandstats`. Upstash: HTTP requests counted by
 * the REST fixture (one request may carry a pipeline of commands).
 */
import { newPrefix, startApps, visit } from '../lib/app.mjs';
import { startBackends } from '../lib/backends.mjs';
import { fixed } from '../lib/report.mjs';

const cookie = (user) => ({ cookie: `bench-user=${user}` });
const restRequests = (rest) => Object.values(rest.requests).reduce((n, v) => n + v, 0);

async function measureStore(ctx, backends, config, views) {
  const prefix = newPrefix(`round-trips-${config}`);
  const [first, second] = await startApps([
    [config, { backends, prefix }],
    [config, { backends, prefix }],
  ]);
  try {
    const users = Array.from({ length: views }, (_, i) => `u${1000 + i}`);
    for (const user of ['u1', ...users]) {
      const page = await visit(first, '/user', cookie(user));
      ctx.check(page.status === 200, `${first.label}: /user answered ${page.status}`);
    }
    // The second instance's own first request (store clock, connection) is not measured.
    await visit(second, '/user', cookie('u1'));
    await Promise.all([first.renders({ reset: true }), second.renders({ reset: true })]);

    const sequence = async (app, list) => {
      for (const user of list) await visit(app, '/user', cookie(user));
    };
    const rest = config === 'upstash' ? backends.upstash : undefined;
    const run = async (app, list) => {
      const before = rest ? restRequests(rest) : 0;
      const sent = {};
      const measured = await backends.probe.measure(async () => {
        Object.assign(sent, await backends.probe.clientCommands(() => sequence(app, list)));
      });
      return { ...measured, sent, restRequests: rest ? restRequests(rest) - before : undefined };
    };
    const warm = await run(
      first,
      Array.from({ length: views }, () => 'u1'),
    );
    const cold = await run(second, users);
    const secondRenders = (await second.renders()).total;
    const warmRenders = (await first.renders()).total;
    ctx.check(warmRenders === 0, `${first.label}: the warm page rendered ${warmRenders} viewlets`);
    ctx.check(warm.commands.calls > 0, `${first.label}: no Redis command counted for ${views} warm page views`);
    ctx.check(warm.sent.calls > 0, `${first.label}: MONITOR saw no client command for ${views} warm page views`);
    const perView = (m) => ({
      commands: m.commands.calls / views,
      // Redis: the commands the instance sent (MONITOR); Upstash: HTTP requests (one may carry a pipeline).
      roundTrips: (m.restRequests ?? m.sent.calls) / views,
      sent: Object.entries(m.sent.byCommand)
        .map(([name, n]) => `${name} ${fixed(n / views, 1)}`)
        .join(', '),
      byCommand: Object.entries(m.commands.byCommand)
        .map(([name, s]) => `${name} ${fixed(s.calls / views, 1)}`)
        .join(', '),
    });
    return { config, label: first.label, warm: perView(warm), cold: perView(cold), coldRenders: secondRenders };
  } finally {
    await Promise.all([first.stop(), second.stop()]);
  }
}

export const roundTrips = {
  name: 'round-trips',
  title: 'Store round trips per page view (10 viewlets)',
  async run(ctx) {
    const views = ctx.quick ? 5 : 50;
    const backends = await startBackends({ upstash: true });
    try {
      const rows = [];
      for (const config of ['redis', 'upstash']) rows.push(await measureStore(ctx, backends, config, views));
      const line = (row, tier) => [
        row.label,
        tier,
        fixed(row[tier].roundTrips, 2),
        row[tier].sent,
        fixed(row[tier].commands, 2),
        row[tier].byCommand,
        tier === 'cold' ? row.coldRenders : 0,
      ];
      return {
        measures:
          `${views} page views of /user per tier, one after another. Warm: the instance read this page before. Cold: a second ` +
          'instance on the same store reads pages the first one rendered (one user each). Round trips: on Redis the commands ' +
          'the instance sent (`MONITOR`; a Lua script is one), on Upstash the HTTP requests at the REST fixture. Server ' +
          'commands: `INFO commandstats`, which also counts the calls made inside scripts.',
        tables: [
          {
            columns: ['store', 'first tier', 'round trips / view', 'sent / view', 'server commands / view', 'of which', 'renders'],
            rows: rows.flatMap((row) => [line(row, 'warm'), line(row, 'cold')]),
          },
        ],
        targets: rows.flatMap((row) => [
          { target: `${row.config}: warm first tier ≤ 1`, measured: fixed(row.warm.roundTrips, 2), met: row.warm.roundTrips <= 1 },
          { target: `${row.config}: cold first tier ≤ 2`, measured: fixed(row.cold.roundTrips, 2), met: row.cold.roundTrips <= 2 },
        ]),
        notes: [
          '"renders" on a cold row: viewlets the second instance rendered although the first had stored them (0 when entries are shared).',
        ],
        data: { views, rows },
      };
    } finally {
      await backends.stop();
    }
  },
};
