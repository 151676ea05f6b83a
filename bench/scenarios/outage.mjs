/**
 * Store outage under load: one instance on redis serves a warm /user page to
 * steady load while the harness pauses redis-server (`CLIENT PAUSE <ms> ALL`),
 * then kills it and starts it again on the same port. Counts failed pages per
 * phase, the latency they added over the baseline, and when the handler's
 * circuit breaker opened and closed (from its log lines, polled every 50 ms).
 */
import { startApp, visit } from '../lib/app.mjs';
import { startBackends } from '../lib/backends.mjs';
import { load, percentile } from '../lib/load.mjs';
import { fixed } from '../lib/report.mjs';

const READ_DEADLINE_MS = 500;
const COOLDOWN_MS = 5_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records when lines matching `patterns` first appear in the app's output after `from`, relative to `t0`. */
function watchLog(app, t0, patterns) {
  const seen = [];
  let offset = app.output().length;
  const timer = setInterval(() => {
    const text = app.output();
    const fresh = text.slice(offset);
    offset = text.length;
    for (const [name, re] of Object.entries(patterns)) {
      for (const _ of fresh.matchAll(new RegExp(re, 'g'))) seen.push({ name, at: Date.now() - t0 });
    }
  }, 50);
  return {
    events: seen,
    stop: () => clearInterval(timer),
  };
}

export const outage = {
  name: 'outage',
  title: 'Store outage under load: redis-server paused, then killed',
  async run(ctx) {
    const plan = ctx.quick
      ? { baseline: 1_000, pauseMs: 1_000, between: 1_500, downMs: 1_000, after: COOLDOWN_MS + 1_000, connections: 4 }
      : { baseline: 3_000, pauseMs: 3_000, between: COOLDOWN_MS + 2_000, downMs: 3_000, after: COOLDOWN_MS + 4_000, connections: 4 };
    // In the full run `between` outlasts a cool-down, so the breaker has closed (and logs again) before the second fault.
    const backends = await startBackends();
    const app = await startApp('redis', { backends });
    try {
      for (let i = 0; i < 2; i++) ctx.check((await visit(app, '/user')).status === 200, `${app.label}: /user failed before the outage`);
      const t0 = Date.now();
      const log = watchLog(app, t0, { open: 'cache store "[^"]+" is failing', closed: 'cache store "[^"]+" is back' });
      const phases = {};
      const duration = plan.baseline + plan.pauseMs + plan.between + plan.downMs + plan.after;
      const running = load({ url: `${app.baseURL}/user`, connections: plan.connections, duration: duration / 1000 });
      await sleep(plan.baseline);
      phases.pause = { from: Date.now() - t0, to: Date.now() - t0 + plan.pauseMs };
      await backends.probe.client.sendCommand(['CLIENT', 'PAUSE', String(plan.pauseMs), 'ALL']);
      await sleep(plan.pauseMs + plan.between);
      phases.kill = { from: Date.now() - t0 };
      await backends.redis.stop();
      await sleep(plan.downMs);
      await backends.redis.start();
      phases.kill.to = Date.now() - t0;
      const result = await running;
      log.stop();
      // autocannon's clock started a little after t0.
      const shift = result.startedAt - t0;
      const responses = result.responses.map((r) => ({ ...r, at: r.at + shift }));
      const inWindow = (w) => responses.filter((r) => r.at - r.ms >= w.from - 200 && r.at - r.ms < w.to);
      const baseline = responses.filter((r) => r.at < phases.pause.from);
      const baseP50 = percentile(
        baseline.map((r) => r.ms),
        50,
      );
      // A page's own spread (its p99 above its median) is not what the fault added: quantiles are compared like for like.
      const baseP99 = percentile(
        baseline.map((r) => r.ms),
        99,
      );
      ctx.check(baseline.length > 0, 'no page was served before the outage; the load did not start');
      const firstAfter = (name, at) => log.events.find((e) => e.name === name && e.at >= at)?.at;
      const rows = ['pause', 'kill'].map((phase) => {
        const window = phases[phase];
        const hit = inWindow(window);
        const failed = hit.filter((r) => r.status < 200 || r.status >= 300).length;
        const opened = firstAfter('open', window.from);
        const closed = opened === undefined ? undefined : firstAfter('closed', opened);
        return {
          phase,
          faultMs: window.to - window.from,
          pages: hit.length,
          failed,
          p99: percentile(
            hit.map((r) => r.ms),
            99,
          ),
          addedMax: (hit.length ? Math.max(...hit.map((r) => r.ms)) : Number.NaN) - baseP50,
          openedAfter: opened === undefined ? undefined : opened - window.from,
          closedAfterRecovery: closed === undefined ? undefined : closed - window.to,
        };
      });
      for (const row of rows) {
        row.addedP99 = row.p99 - baseP99;
        row.p99OverMedian = row.p99 - baseP50;
      }
      const failedTotal = result.failed;
      const worstAdded = Math.max(...rows.map((r) => r.addedP99));
      const opens = rows.map((r) => r.openedAfter);
      const closes = rows.map((r) => r.closedAfterRecovery);
      const ms = (v) => (v === undefined ? 'never' : `${fixed(v)} ms`);
      return {
        measures:
          `/user (warm) under ${plan.connections} connections for ${fixed(duration / 1000)} s on one instance on redis. After ` +
          `${plan.baseline / 1000} s: \`CLIENT PAUSE ${plan.pauseMs} ALL\`; ${plan.between / 1000} s later: redis-server killed, ` +
          `started again ${plan.downMs / 1000} s later on the same port (empty). A page belongs to a phase when it started in it. ` +
          `Added latency: the phase's p99 minus the baseline's p99 (${fixed(baseP99)} ms; its p50: ${fixed(baseP50)} ms), ` +
          `and, stricter, minus the baseline's p50 (which also counts a page's own spread). Breaker times are from its log lines.`,
        tables: [
          {
            columns: [
              'fault',
              'lasted',
              'pages',
              'failed',
              'added p99 ms',
              'p99 − baseline p50 ms',
              'added max ms',
              'breaker opened after',
              'closed after recovery',
            ],
            rows: rows.map((r) => [
              r.phase === 'pause' ? 'CLIENT PAUSE ALL' : 'killed + restarted',
              `${fixed(r.faultMs)} ms`,
              r.pages,
              r.failed,
              fixed(r.addedP99),
              fixed(r.p99OverMedian),
              fixed(r.addedMax),
              ms(r.openedAfter),
              ms(r.closedAfterRecovery),
            ]),
          },
        ],
        targets: [
          { target: '0 failed pages', measured: `${failedTotal} of ${result.requests}`, met: failedTotal === 0 },
          {
            target: `added latency per page ≤ the read deadline (${READ_DEADLINE_MS} ms)`,
            measured: `${fixed(worstAdded)} ms (worst p99 vs the baseline's p99)`,
            met: worstAdded <= READ_DEADLINE_MS,
          },
          {
            target: 'breaker opens within 1 s of the fault',
            measured: opens.map(ms).join(', '),
            met: opens.every((v) => v !== undefined && v <= 1_000),
          },
          {
            target: `breaker closes within one cool-down (${COOLDOWN_MS} ms) after recovery`,
            measured: closes.map(ms).join(', '),
            met: closes.every((v) => v !== undefined && v <= COOLDOWN_MS),
          },
        ],
        notes: ['"No invalidation lost" is the durability issue\'s test (9), not measured here.'],
        data: {
          plan,
          phases,
          rows,
          events: log.events,
          baselineP50: baseP50,
          baselineP99: baseP99,
          requests: result.requests,
          failed: failedTotal,
        },
      };
    } finally {
      await app.stop();
      await backends.stop();
    }
  },
};
