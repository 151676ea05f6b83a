/**
 * OpenTelemetry metrics, when the app has `@opentelemetry/api` installed (an
 * optional peer dependency, imported lazily) and registers a meter provider.
 *
 * Counters and gauges are observable instruments whose callbacks read the
 * metrics registry when the app's reader collects, so they cost nothing per
 * request; render durations are recorded into a histogram as they happen.
 * The meter provider is looked up again before each render is recorded, so a
 * provider the app registers after the first request is picked up.
 */
import type { Histogram, Meter, MeterProvider } from '@opentelemetry/api';
import type { MetricsRegistry } from './metrics-registry.ts';
import { CALL_OUTCOMES } from './viewlet-call.ts';

type Api = typeof import('@opentelemetry/api');

const METER_NAME = 'next-viewlet';
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function instrument(meter: Meter, registry: MetricsRegistry): Histogram {
  const counter = (name: string, description: string, unit?: string) =>
    meter.createObservableCounter(name, { description, ...(unit && { unit }) });
  const calls = counter('viewlet.calls', 'Viewlet calls by outcome (hit, stale, miss, joined, uncached).');
  const renders = counter('viewlet.renders', 'Executions of a viewlet render function, foreground and background.');
  const errors = counter('viewlet.errors', 'Viewlet failures.');
  const bytes = counter('viewlet.stored_bytes', 'Bytes of viewlet entries written to the cache.', 'By');
  const reads = counter('viewlet.store.reads', 'Cache reads by outcome, per store.');
  const writes = counter('viewlet.store.writes', 'Entries written (set) or not (skip), per store.');
  const storeErrors = counter('viewlet.store.errors', 'Failed store calls.');
  const timeouts = counter('viewlet.store.timeouts', 'Store calls that missed their deadline.');
  const lagTimeouts = counter('viewlet.store.lag_timeouts', "Store calls given up on because this process's event loop was blocked.");
  const storeBytes = counter('viewlet.store.stored_bytes', 'Bytes of entries written to the cache, per store.', 'By');
  const inFlight = meter.createObservableGauge('viewlet.renders.in_flight', { description: 'Viewlet renders running now.' });
  const pending = meter.createObservableGauge('viewlet.store.pending_invalidations', {
    description: 'Invalidations accepted but not yet recorded in the store.',
  });
  const breaker = meter.createObservableGauge('viewlet.store.breaker.state', {
    description: 'The circuit breaker in front of a store: 1 for its current state, 0 for the others.',
  });
  const all = [calls, renders, inFlight, errors, bytes, reads, writes, storeErrors, timeouts, lagTimeouts, storeBytes, pending, breaker];
  meter.addBatchObservableCallback((result) => {
    for (const [viewlet, row] of registry.viewlets) {
      for (const outcome of CALL_OUTCOMES) result.observe(calls, row[outcome], { viewlet, outcome });
      result.observe(renders, row.render, { viewlet });
      result.observe(inFlight, row.rendering, { viewlet });
      result.observe(errors, row.error, { viewlet });
      result.observe(bytes, row.bytesStored, { viewlet });
    }
    for (const [store, row] of registry.stores) {
      for (const outcome of ['hit', 'stale', 'miss'] as const) result.observe(reads, row[outcome], { store, outcome });
      for (const outcome of ['set', 'skip'] as const) result.observe(writes, row[outcome], { store, outcome });
      result.observe(storeErrors, row.error, { store });
      result.observe(timeouts, row.timeout, { store });
      result.observe(lagTimeouts, row.lagTimeout, { store });
      result.observe(storeBytes, row.bytesStored, { store });
    }
    for (const [store, probe] of registry.probes) {
      result.observe(pending, probe.pendingInvalidations(), { store });
      const current = probe.breaker();
      for (const state of ['closed', 'half-open', 'open']) result.observe(breaker, state === current ? 1 : 0, { store, state });
    }
  }, all);
  return meter.createHistogram('viewlet.render.duration', {
    description: 'Time a viewlet render function took.',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
}

/** Starts loading `@opentelemetry/api` and reports `registry` to the app's meter provider. Does nothing without the package. */
export function bindOpenTelemetry(registry: MetricsRegistry, load: () => Promise<Api> = () => import('@opentelemetry/api')): void {
  let api: Api | undefined;
  let provider: MeterProvider | undefined;
  let histogram: Histogram | undefined;
  const sync = () => {
    const current = api!.metrics.getMeterProvider();
    if (current !== provider) {
      provider = current;
      histogram = instrument(current.getMeter(METER_NAME), registry);
    }
  };
  load().then(
    (loaded) => {
      api = loaded;
      sync();
      const previous = registry.onRender;
      registry.onRender = (name, seconds) => {
        previous?.(name, seconds);
        sync();
        histogram!.record(seconds, { viewlet: name });
      };
    },
    () => {
      // Not installed: no OpenTelemetry metrics.
    },
  );
}
