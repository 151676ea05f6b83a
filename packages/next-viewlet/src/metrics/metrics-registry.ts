/**
 * The process-wide metrics of next-viewlet: counters per viewlet and per store,
 * render durations, and gauges read when the stats are asked for.
 *
 * Kept on `globalThis` (under `Symbol.for`): Next loads the cache handler
 * module unbundled while the app bundles its own copy of the library, and both
 * copies must count into one registry. Counters are plain numbers because they
 * sit on the hit path; render durations go into a prom-client `Summary`
 * (t-digest quantiles over a sliding window), recorded on renders only.
 */
import { Summary } from 'prom-client';
import { bindOpenTelemetry } from './open-telemetry.ts';
import type { CallOutcome } from './viewlet-call.ts';

export { CALL_OUTCOMES, type CallOutcome } from './viewlet-call.ts';

/** Counters of one viewlet (by name), since the process started. */
export interface ViewletCounters extends Record<CallOutcome, number> {
  /** Executions of the render function (in data mode: of `load`), in the foreground or the background, failed ones included. */
  render: number;
  /** Renders that threw, plus calls that failed before or after rendering (identity, data-mode markup). */
  error: number;
  /** Bytes of this viewlet's entries written to the cache. */
  bytesStored: number;
  /** Renders running now (a gauge): a warm-up waits for it to reach 0 before it reads the counters. */
  rendering: number;
}

/** Counters and gauges of one store (by name: 'memory', 'redis', 'upstash', or a custom `statsName`). */
export interface StoreCounters {
  /** Fresh entries returned. */
  hit: number;
  /** Stale entries returned (Next re-renders them in the background). */
  stale: number;
  /** Reads that returned nothing (Next renders). */
  miss: number;
  /** Failed or timed-out store calls, and calls refused by an open circuit. */
  error: number;
  /** Store calls that missed their deadline through the store's fault (also counted in `error`). */
  timeout: number;
  /** Store calls given up on because this process's event loop was blocked (not counted against the store). */
  lagTimeout: number;
  /** Entries written. */
  set: number;
  /** Entries not written: failures, uncacheable lifetimes, oversize values, failed streams. */
  skip: number;
  /** Bytes of entries written to the cache. */
  bytesStored: number;
}

export type StoreCounterName = keyof StoreCounters;

/** A circuit breaker's state, as reported for a store. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** What the stats read from a store's cache handler when they are asked for. */
export interface StoreProbe {
  /** The circuit breaker in front of the store. */
  breaker(): BreakerState;
  /** Invalidations accepted but not yet recorded in the store (retried in the background). */
  pendingInvalidations(): number;
}

export interface MetricsRegistry {
  /** False with `VIEWLET_METRICS=off`: per-viewlet metrics are not kept (store counters still are). */
  readonly enabled: boolean;
  /** When this registry was created (ms since the epoch). */
  readonly startedAt: number;
  readonly viewlets: Map<string, ViewletCounters>;
  readonly stores: Map<string, StoreCounters>;
  /** Gauges of a store, read when the stats are asked for; registered by the cache handler. */
  readonly probes: Map<string, StoreProbe>;
  /** The store of each cache kind whose handler has run in this process (a kind not listed shares `default`'s). */
  readonly kindStores: Map<string, string>;
  /** Render durations in seconds, by viewlet. */
  readonly renderSeconds: Summary<'viewlet'>;
  /** Errors already counted where they were thrown (so the caller does not count them again). */
  readonly countedErrors: WeakSet<object>;
  /** Called after each render with its duration (the OpenTelemetry bridge). */
  onRender?: (name: string, seconds: number) => void;
}

/** Quantiles reported for render durations. */
export const RENDER_QUANTILES = [0.5, 0.95, 0.99] as const;
/** The window render-duration quantiles are computed over, in seconds. */
export const RENDER_WINDOW_SECONDS = 600;

const KEY = Symbol.for('next-viewlet.metrics');
type Holder = { [KEY]?: MetricsRegistry };

function envEnabled(): boolean {
  const value = process.env.VIEWLET_METRICS?.trim().toLowerCase();
  return !(value === 'off' || value === '0' || value === 'false' || value === 'no');
}

function createRegistry(): MetricsRegistry {
  const registry: MetricsRegistry = {
    enabled: envEnabled(),
    startedAt: Date.now(),
    viewlets: new Map(),
    stores: new Map(),
    probes: new Map(),
    kindStores: new Map(),
    renderSeconds: new Summary({
      name: 'viewlet_render_duration_seconds',
      help: 'Time a viewlet render function took, in seconds (quantiles over the last 10 minutes).',
      labelNames: ['viewlet'],
      percentiles: [...RENDER_QUANTILES],
      maxAgeSeconds: RENDER_WINDOW_SECONDS,
      ageBuckets: 5,
      // Registered in the exposition registry only (prometheus-text.ts), never in prom-client's global one.
      registers: [],
    }),
    countedErrors: new WeakSet(),
  };
  if (registry.enabled) bindOpenTelemetry(registry);
  return registry;
}

/** The process-wide registry (created on first use, with `VIEWLET_METRICS` read then). */
export function metricsRegistry(): MetricsRegistry {
  return ((globalThis as Holder)[KEY] ??= createRegistry());
}

/** Whether per-viewlet metrics are on (`VIEWLET_METRICS` is not `off`). */
export function metricsEnabled(): boolean {
  return metricsRegistry().enabled;
}

/** Forgets every counter and reads `VIEWLET_METRICS` again (for tests). */
export function resetMetrics(): void {
  delete (globalThis as Holder)[KEY];
}

/** All-zero viewlet counters. */
export function emptyViewletCounters(): ViewletCounters {
  return { hit: 0, stale: 0, miss: 0, joined: 0, uncached: 0, render: 0, error: 0, bytesStored: 0, rendering: 0 };
}

/** The counters of viewlet `name`, created at zero on first use. */
export function viewletCounters(name: string): ViewletCounters {
  const { viewlets } = metricsRegistry();
  let row = viewlets.get(name);
  if (!row) viewlets.set(name, (row = emptyViewletCounters()));
  return row;
}

/** The counters of store `name`, created at zero on first use. */
export function storeCounters(name: string): StoreCounters {
  const { stores } = metricsRegistry();
  let row = stores.get(name);
  if (!row) {
    row = { hit: 0, stale: 0, miss: 0, error: 0, timeout: 0, lagTimeout: 0, set: 0, skip: 0, bytesStored: 0 };
    stores.set(name, row);
  }
  return row;
}

/** Records that a render of `name` started (see `recordRender` for its end). */
export function recordRenderStart(name: string): void {
  viewletCounters(name).rendering += 1;
}

/** Records one finished render of `name` that took `seconds`; `failed` when it threw. */
export function recordRender(name: string, seconds: number, failed: boolean): void {
  const registry = metricsRegistry();
  const row = viewletCounters(name);
  row.rendering = Math.max(0, row.rendering - 1);
  row.render += 1;
  if (failed) row.error += 1;
  registry.renderSeconds.observe({ viewlet: name }, seconds);
  registry.onRender?.(name, seconds);
}

/**
 * Lets the stats read a store's gauges (the last registration for a name wins).
 * Returns a function that removes it again, if it is still the registered one.
 */
export function registerStoreProbe(store: string, probe: StoreProbe): () => void {
  const { probes } = metricsRegistry();
  probes.set(store, probe);
  return () => {
    if (probes.get(store) === probe) probes.delete(store);
  };
}

/** Records the store a cache kind's handler keeps its entries in (by store name, as in `stores`). */
export function registerKindStore(kind: string, store: string): void {
  metricsRegistry().kindStores.set(kind, store);
}
