/**
 * The stats as JSON: what the stats endpoint answers by default and what a
 * dashboard polls. Counters are this process's since it started; compute rates
 * by polling and taking differences (`generatedAt` says when each was taken).
 */
import { hostname } from 'node:os';
import type { ResolvedLife } from '../core/life.ts';
import { listViewlets } from '../core/registry.ts';
import {
  type BreakerState,
  emptyViewletCounters,
  metricsRegistry,
  RENDER_QUANTILES,
  RENDER_WINDOW_SECONDS,
  type StoreCounters,
  storeCounters,
  type ViewletCounters,
} from './metrics-registry.ts';

/** Render durations of one viewlet, in seconds. */
export interface RenderSeconds {
  /** Renders since the process started. */
  count: number;
  /** Their total duration. */
  sum: number;
  /** Quantiles over the last `windowSeconds` (null when no render fell in the window). */
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** How a registered viewlet is cached (present for viewlets the stats route's bundle imports). */
export interface ViewletPolicy {
  /** `'sitewide' | 'user' | 'path' | 'user+path' | 'session' | 'custom'`. */
  vary: string;
  /** The resolved `life`: `{ kind: 'none' }` (never cached), `{ kind: 'profile', profile }` or `{ kind: 'explicit', stale?, revalidate?, expire? }` in seconds. */
  life: ResolvedLife;
  /** `'output'` (the rendered output is cached) or `'data'` (only `load` is). */
  mode: string;
  island: boolean;
  /** The cache kind its entries go to: `'default'`, `'remote'` or a custom kind (`viewlet({ store })`). */
  store: string;
}

export interface ViewletStatsEntry extends ViewletCounters {
  /** (hit + stale) / (hit + stale + miss); null before the first read. */
  hitRatio: number | null;
  renderSeconds: RenderSeconds;
  policy?: ViewletPolicy;
}

export interface StoreStatsEntry extends StoreCounters {
  /** (hit + stale) / (hit + stale + miss); null before the first read. */
  hitRatio: number | null;
  /** The circuit breaker in front of the store; null when no handler in this process uses it. */
  breaker: BreakerState | null;
  /** Invalidations accepted but not yet recorded in the store (retried in the background); 0 without a handler. */
  pendingInvalidations: number;
}

/** The JSON the stats endpoint answers (`version` changes only with an incompatible shape). */
export interface ViewletStatsSnapshot {
  version: 1;
  /** When the snapshot was taken (ISO 8601). */
  generatedAt: string;
  /** The process that answered: every instance counts its own, since `startedAt` (when its counting began, about when it started). */
  instance: { id: string; hostname: string; pid: number; startedAt: string; uptimeSeconds: number };
  /** False with `VIEWLET_METRICS=off`: per-viewlet counters stay at zero, store counters are still kept. */
  metricsEnabled: boolean;
  /** The window of the render-duration quantiles, in seconds. */
  windowSeconds: number;
  /** Sums over all viewlets. */
  totals: ViewletCounters & { hitRatio: number | null };
  /** By viewlet name, sorted by name. */
  viewlets: Record<string, ViewletStatsEntry>;
  /** By store name, sorted by name. */
  stores: Record<string, StoreStatsEntry>;
  /**
   * The store (a key of `stores`) of each cache kind whose handler has run in this
   * process, e.g. `{ default: 'memory', remote: 'redis:remote' }`; a kind not
   * listed shares `default`'s store.
   */
  kinds: Record<string, string>;
}

const QUANTILE_KEYS = new Map<number, 'p50' | 'p95' | 'p99'>(
  RENDER_QUANTILES.map((q) => [q, `p${Math.round(q * 100)}` as 'p50' | 'p95' | 'p99']),
);
const ratio = (hit: number, stale: number, miss: number) => (hit + stale + miss > 0 ? (hit + stale) / (hit + stale + miss) : null);
const round = (value: number) => Math.round(value * 1e6) / 1e6;

function policyOf(name: string): ViewletPolicy | undefined {
  const definition = listViewlets().find((v) => v.name === name);
  if (!definition) return undefined;
  return {
    vary: typeof definition.vary === 'function' ? 'custom' : definition.vary,
    life: definition.life,
    mode: definition.mode,
    island: definition.island,
    store: definition.store,
  };
}

async function renderSecondsByViewlet(): Promise<Map<string, RenderSeconds>> {
  const out = new Map<string, RenderSeconds>();
  const row = (viewlet: string) => {
    let entry = out.get(viewlet);
    if (!entry) out.set(viewlet, (entry = { count: 0, sum: 0, p50: null, p95: null, p99: null }));
    return entry;
  };
  const { values } = await metricsRegistry().renderSeconds.get();
  for (const { labels, value, metricName } of values) {
    const { viewlet, quantile } = labels as { viewlet?: string; quantile?: number };
    const entry = row(String(viewlet));
    if (metricName?.endsWith('_count')) entry.count = value;
    else if (metricName?.endsWith('_sum')) entry.sum = round(value);
    else if (quantile !== undefined && value > 0) {
      // prom-client reports 0 for a window without observations; no render takes 0 s.
      const key = QUANTILE_KEYS.get(quantile);
      if (key) entry[key] = round(value);
    }
  }
  return out;
}

/** This process's stats. Viewlets registered in the caller's bundle are listed even before their first call. */
export async function metricsSnapshot(): Promise<ViewletStatsSnapshot> {
  const registry = metricsRegistry();
  const durations = await renderSecondsByViewlet();
  const names = new Set([...registry.viewlets.keys(), ...listViewlets().map((v) => v.name)]);
  const totals = emptyViewletCounters();
  const viewlets: Record<string, ViewletStatsEntry> = {};
  for (const name of [...names].sort()) {
    const counters = registry.viewlets.get(name) ?? emptyViewletCounters();
    for (const key of Object.keys(totals) as (keyof ViewletCounters)[]) totals[key] += counters[key];
    const policy = policyOf(name);
    viewlets[name] = {
      ...counters,
      hitRatio: ratio(counters.hit, counters.stale, counters.miss),
      renderSeconds: durations.get(name) ?? { count: 0, sum: 0, p50: null, p95: null, p99: null },
      ...(policy && { policy }),
    };
  }
  const stores: Record<string, StoreStatsEntry> = {};
  for (const name of [...new Set([...registry.stores.keys(), ...registry.probes.keys()])].sort()) {
    const counters = storeCounters(name);
    const probe = registry.probes.get(name);
    stores[name] = {
      ...counters,
      hitRatio: ratio(counters.hit, counters.stale, counters.miss),
      breaker: probe?.breaker() ?? null,
      pendingInvalidations: probe?.pendingInvalidations() ?? 0,
    };
  }
  const now = Date.now();
  return {
    version: 1,
    generatedAt: new Date(now).toISOString(),
    instance: {
      id: `${hostname()}:${process.pid}`,
      hostname: hostname(),
      pid: process.pid,
      startedAt: new Date(registry.startedAt).toISOString(),
      uptimeSeconds: Math.round((now - registry.startedAt) / 1000),
    },
    metricsEnabled: registry.enabled,
    windowSeconds: RENDER_WINDOW_SECONDS,
    totals: { ...totals, hitRatio: ratio(totals.hit, totals.stale, totals.miss) },
    viewlets,
    stores,
    kinds: Object.fromEntries([...registry.kindStores].sort(([a], [b]) => a.localeCompare(b))),
  };
}
