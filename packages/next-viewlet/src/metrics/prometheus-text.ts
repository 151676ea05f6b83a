/**
 * The stats in Prometheus text format, rendered by prom-client. The counters
 * themselves stay plain numbers in the metrics registry (they are on the hit
 * path); prom-client reads them when a scrape asks (`collect`), so a scrape
 * costs the scraper, never a page.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { listViewlets } from '../core/registry.ts';
import {
  type BreakerState,
  CALL_OUTCOMES,
  type MetricsRegistry,
  metricsRegistry,
  type StoreCounters,
  type ViewletCounters,
} from './metrics-registry.ts';

/** The content type of `prometheusText()`: the Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

const BREAKER_STATES: readonly BreakerState[] = ['closed', 'half-open', 'open'];

type Rows<T> = () => Iterable<[string, T]>;

function counter<L extends string, T>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
  rows: Rows<T>,
  values: (row: T, label: string) => [Partial<Record<L, string>>, number][],
): void {
  new Counter<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [label, row] of rows()) for (const [labels, value] of values(row, label)) this.inc(labels, value);
    },
  });
}

function build(source: MetricsRegistry): Registry {
  const registry = new Registry();
  const viewlets: Rows<ViewletCounters> = () => source.viewlets;
  const stores: Rows<StoreCounters> = () => source.stores;
  const perViewlet = (key: keyof ViewletCounters) => (row: ViewletCounters, viewlet: string) =>
    [[{ viewlet }, row[key]]] as [Record<'viewlet', string>, number][];
  const perStore = (key: keyof StoreCounters) => (row: StoreCounters, store: string) =>
    [[{ store }, row[key]]] as [Record<'store', string>, number][];

  counter(
    registry,
    'viewlet_calls_total',
    'Viewlet calls by outcome: hit, stale (served while re-rendered in the background), miss, joined (a fill already in flight in this process), uncached.',
    ['viewlet', 'outcome'],
    viewlets,
    (row, viewlet) => CALL_OUTCOMES.map((outcome) => [{ viewlet, outcome }, row[outcome]]),
  );
  counter(
    registry,
    'viewlet_renders_total',
    'Executions of a viewlet render function (load in data mode), foreground and background.',
    ['viewlet'],
    viewlets,
    perViewlet('render'),
  );
  counter(
    registry,
    'viewlet_errors_total',
    'Viewlet failures: renders that threw, and calls that failed around the render.',
    ['viewlet'],
    viewlets,
    perViewlet('error'),
  );
  counter(
    registry,
    'viewlet_stored_bytes_total',
    'Bytes of viewlet entries written to the cache.',
    ['viewlet'],
    viewlets,
    perViewlet('bytesStored'),
  );
  registry.registerMetric(source.renderSeconds);
  new Gauge<'viewlet'>({
    name: 'viewlet_renders_in_flight',
    help: 'Viewlet renders running now.',
    labelNames: ['viewlet'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [viewlet, row] of source.viewlets) this.set({ viewlet }, row.rendering);
    },
  });

  counter(
    registry,
    'viewlet_store_reads_total',
    'Cache reads by outcome (hit, stale, miss), per store.',
    ['store', 'outcome'],
    stores,
    (row, store) => (['hit', 'stale', 'miss'] as const).map((outcome) => [{ store, outcome }, row[outcome]]),
  );
  counter(
    registry,
    'viewlet_store_writes_total',
    'Entries written (set) or not written (skip: uncacheable, oversize, failed), per store.',
    ['store', 'outcome'],
    stores,
    (row, store) => (['set', 'skip'] as const).map((outcome) => [{ store, outcome }, row[outcome]]),
  );
  counter(
    registry,
    'viewlet_store_errors_total',
    'Failed store calls, timeouts and calls refused by an open circuit.',
    ['store'],
    stores,
    perStore('error'),
  );
  counter(registry, 'viewlet_store_timeouts_total', 'Store calls that missed their deadline.', ['store'], stores, perStore('timeout'));
  counter(
    registry,
    'viewlet_store_lag_timeouts_total',
    "Store calls given up on because this process's event loop was blocked (not the store's fault).",
    ['store'],
    stores,
    perStore('lagTimeout'),
  );
  counter(
    registry,
    'viewlet_store_stored_bytes_total',
    'Bytes of entries written to the cache, per store.',
    ['store'],
    stores,
    perStore('bytesStored'),
  );
  new Gauge<'store'>({
    name: 'viewlet_store_pending_invalidations',
    help: 'Invalidations accepted but not yet recorded in the store.',
    labelNames: ['store'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [store, probe] of source.probes) this.set({ store }, probe.pendingInvalidations());
    },
  });
  new Gauge<'store' | 'state'>({
    name: 'viewlet_store_breaker_state',
    help: 'The circuit breaker in front of a store: 1 for its current state (closed, half-open, open), 0 for the others.',
    labelNames: ['store', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [store, probe] of source.probes) {
        const current = probe.breaker();
        for (const state of BREAKER_STATES) this.set({ store, state }, state === current ? 1 : 0);
      }
    },
  });
  new Gauge<'viewlet' | 'store'>({
    name: 'viewlet_info',
    help: 'A viewlet the stats route knows, with the cache kind its entries go to (store: default, remote or a custom kind); always 1.',
    labelNames: ['viewlet', 'store'],
    registers: [registry],
    collect() {
      this.reset();
      for (const definition of listViewlets()) this.set({ viewlet: definition.name, store: definition.store }, 1);
    },
  });
  return registry;
}

const built = new WeakMap<MetricsRegistry, Registry>();

/** This process's metrics in Prometheus text format (content type `PROMETHEUS_CONTENT_TYPE`). */
export async function prometheusText(): Promise<string> {
  const source = metricsRegistry();
  let registry = built.get(source);
  if (!registry) built.set(source, (registry = build(source)));
  return registry.metrics();
}
