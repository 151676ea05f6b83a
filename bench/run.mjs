/**
 * `npm run bench`: every benchmark scenario against apps/bench under
 * `next start`, side by side in one run, with numbers and ratios. Results go
 * to bench/results/latest.md and latest.json, plus the known-tags chart
 * (known-tags.svg). Machines here are shared and noisy: read the ratios.
 *
 *   npm run build && npm run bench                 # everything (~30 min)
 *   npm run bench -- --only known-tags             # one scenario (repeat --only for more)
 *   npm run bench -- --quick                       # the harness check: tiny sizes, < 2 min, results in reports/bench-quick
 *   npm run bench -- --list                        # scenario names
 *   npm run bench -- --fill-minutes 15             # longer time box for the 100k fills (default 5 min per fill)
 *
 * A sanity check that fails (a "cached" configuration rendering on every
 * request, failed fills, a probe that counts nothing) fails the run with its
 * message; targets that are not met are reported, never fatal.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { appDir } from './lib/app.mjs';
import { writeKnownTagsChart } from './lib/chart.mjs';
import { environment, scenarioMarkdown, writeResults } from './lib/report.mjs';
import { burst, burstCluster } from './scenarios/burst.mjs';
import { expiry } from './scenarios/expiry.mjs';
import { handlerMicro } from './scenarios/handler-micro.mjs';
import { knownTags } from './scenarios/known-tags.mjs';
import { outage } from './scenarios/outage.mjs';
import { pages } from './scenarios/pages.mjs';
import { roundTrips } from './scenarios/round-trips.mjs';
import { rss } from './scenarios/rss.mjs';

const SCENARIOS = [pages, expiry, knownTags, burst, burstCluster, roundTrips, rss, outage, handlerMicro];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    quick: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    out: { type: 'string' },
    'fill-minutes': { type: 'string' },
  },
});

if (values.list) {
  for (const s of SCENARIOS) console.log(`${s.name.padEnd(14)} ${s.title}`);
  process.exit(0);
}
const unknown = (values.only ?? []).filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length) {
  console.error(`bench: unknown scenario ${unknown.join(', ')}; use one of ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
if (!existsSync(path.join(appDir, '.next', 'BUILD_ID'))) {
  console.error('bench: apps/bench is not built; run `npm run build` first.');
  process.exit(2);
}

// Fills of distinct variants and tags are time-boxed (see lib/fill.mjs): per store in known-tags, and in rss.
const fillMinutes = Number(values['fill-minutes'] ?? (values.quick ? 2 : 5));
if (!(fillMinutes > 0)) {
  console.error(`bench: --fill-minutes must be a positive number, got ${JSON.stringify(values['fill-minutes'])}`);
  process.exit(2);
}

const selected = values.only ? SCENARIOS.filter((s) => values.only.includes(s.name)) : SCENARIOS;
const outDir = path.resolve(root, values.out ?? (values.quick ? 'reports/bench-quick' : 'bench/results'));
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const env = environment();
const started = Date.now();
const results = [];
const charts = [];

for (const scenario of selected) {
  const failures = [];
  const ctx = {
    quick: values.quick,
    fillSeconds: fillMinutes * 60,
    renderNote: '50 ms I/O + 1 ms CPU per render',
    check(ok, message) {
      if (!ok) {
        failures.push(message);
        console.error(`[bench] CHECK FAILED (${scenario.name}): ${message}`);
      }
    },
    log: (line) => console.log(line),
  };
  console.log(`\n[bench] ${scenario.name}: ${scenario.title}`);
  const t = Date.now();
  const date = new Date(t).toISOString();
  // Other work on the machine moves absolute numbers: keep its level beside each scenario.
  const loadBefore = os.loadavg()[0];
  let result;
  try {
    result = await scenario.run(ctx);
  } catch (error) {
    failures.push(`crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    console.error(`[bench] ${scenario.name} crashed:`, error);
    result = {};
  }
  const entry = {
    name: scenario.name,
    title: scenario.title,
    command: `npm run bench -- --only ${scenario.name}${values.quick ? ' --quick' : ''}`,
    date,
    seconds: (Date.now() - t) / 1000,
    loadAverage: [loadBefore, os.loadavg()[0]].map((n) => Number(n.toFixed(2))),
    ...result,
    failures,
  };
  if (result.chart?.kind === 'known-tags' && result.chart.rows.length) {
    const file = path.join(outDir, 'known-tags.svg');
    try {
      mkdirSync(outDir, { recursive: true });
      await writeKnownTagsChart(result.chart.rows, file);
      charts.push({ title: 'known tags', file });
    } catch (error) {
      failures.push(`the known-tags chart could not be drawn: ${error instanceof Error ? error.message : error}`);
    }
  }
  delete entry.chart;
  results.push(entry);
  console.log(`\n${scenarioMarkdown(entry)}\n`);
}

// With --only, the other scenarios' results of the previous run stay in the files (each keeps its own date).
const previous = values.only ? readPrevious(path.join(outDir, 'latest.json'), values.quick) : [];
const merged = SCENARIOS.map((s) => results.find((r) => r.name === s.name) ?? previous.find((r) => r.name === s.name)).filter(Boolean);
if (!charts.length && merged.some((r) => r.name === 'known-tags') && existsSync(path.join(outDir, 'known-tags.svg'))) {
  charts.push({ title: 'known tags', file: path.join(outDir, 'known-tags.svg') });
}
writeResults(outDir, { command, quick: values.quick, results: merged, env, charts });
const failed = results.filter((r) => r.failures.length);
const total = ((Date.now() - started) / 1000).toFixed(0);
console.log(`[bench] wrote ${path.relative(root, outDir)}/latest.md and latest.json in ${total} s`);
if (failed.length) {
  console.error(`[bench] FAILED: ${failed.map((r) => `${r.name} (${r.failures.length})`).join(', ')}`);
  for (const r of failed) for (const f of r.failures) console.error(`  ${r.name}: ${f.split('\n')[0]}`);
}
function readPrevious(file, quick) {
  try {
    const previous = JSON.parse(readFileSync(file, 'utf8'));
    return previous.quick === quick ? previous.results : [];
  } catch {
    return [];
  }
}

// Servers were stopped by the scenarios; redis clients of the handler micro-benchmark may keep the loop alive.
process.exit(failed.length ? 1 : 0);
