/**
 * The dashboard's memory of past polls, and the chart's series taken from it:
 * counters are totals since the process started, so rates are differences
 * between two polls divided by the time between them.
 */
import type { DashboardData, ViewletRow } from './dashboard-data';

/** Polls kept: 5 minutes at one poll every 2 s. */
export const MAX_SAMPLES = 150;

/**
 * Adds a poll's answer. Another instance (a restart, or another server behind a
 * load balancer) has counters of its own, so its first answer starts a new
 * history; an answer older than the last one (a slow poll overtaken) is dropped.
 */
export function appendSample(history: readonly DashboardData[], next: DashboardData): DashboardData[] {
  const last = history.at(-1);
  if (!last) return [next];
  if (last.instanceId !== next.instanceId || last.startedAt !== next.startedAt) return [next];
  if (Date.parse(next.generatedAt) <= Date.parse(last.generatedAt)) return [...history];
  return [...history, next].slice(-MAX_SAMPLES);
}

export const OUTCOMES = ['hit', 'stale', 'miss', 'error'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Columns for the chart: x in Unix seconds, calls per second by outcome, render p95 in ms (null = no value). */
export interface ChartSeries {
  x: number[];
  perSecond: Record<Outcome, (number | null)[]>;
  p95ms: (number | null)[];
}

/** The chart's colour per series (also how the e2e suite finds a drawn line on the canvas). */
export const SERIES_COLORS = { hit: '#1a7f37', stale: '#9a6700', miss: '#cf222e', error: '#8250df', p95: '#0969da' } as const;

type Counts = Record<Outcome, number>;

function countsOf(sample: DashboardData, scope: string | null): { counts: Counts; p95: number | null } {
  const rows: ViewletRow[] = scope === null ? sample.viewlets : sample.viewlets.filter((v) => v.name === scope);
  const counts: Counts = { hit: 0, stale: 0, miss: 0, error: 0 };
  let p95: number | null = null;
  for (const row of rows) {
    for (const outcome of OUTCOMES) counts[outcome] += row[outcome];
    // Quantiles cannot be added up: for all viewlets the chart shows the slowest.
    if (row.p95 !== null) p95 = Math.max(p95 ?? 0, row.p95);
  }
  return { counts, p95 };
}

/** The chart's series for one viewlet (`scope`), or all of them (`null`). */
export function chartSeries(history: readonly DashboardData[], scope: string | null): ChartSeries {
  const series: ChartSeries = { x: [], perSecond: { hit: [], stale: [], miss: [], error: [] }, p95ms: [] };
  let previous: { t: number; counts: Counts } | undefined;
  for (const sample of history) {
    const t = Date.parse(sample.generatedAt) / 1000;
    const { counts, p95 } = countsOf(sample, scope);
    series.x.push(t);
    series.p95ms.push(p95 === null ? null : Math.round(p95 * 10_000) / 10);
    for (const outcome of OUTCOMES) {
      const rate = previous ? Math.max(0, counts[outcome] - previous.counts[outcome]) / (t - previous.t) : null;
      series.perSecond[outcome].push(rate === null ? null : Math.round(rate * 100) / 100);
    }
    previous = { t, counts };
  }
  return series;
}
