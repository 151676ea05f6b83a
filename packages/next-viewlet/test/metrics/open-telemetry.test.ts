/**
 * OpenTelemetry metrics with the real API and SDK: a meter provider with an
 * in-memory reader, registered globally as an app would in instrumentation.ts.
 */
import { metrics } from '@opentelemetry/api';
import { type CollectionResult, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countStat } from '../../src/cache/cache-stats.ts';
import { metricsRegistry, registerStoreProbe, resetMetrics, viewletCounters } from '../../src/metrics/metrics-registry.ts';
import { bindOpenTelemetry } from '../../src/metrics/open-telemetry.ts';
import { timedRender } from '../../src/metrics/timed-render.ts';

class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

function points(result: CollectionResult, name: string) {
  const metric = result.resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []) as { attributes: Record<string, unknown>; value: unknown }[];
}

afterEach(() => {
  metrics.disable();
  resetMetrics();
});

describe('OpenTelemetry bridge', () => {
  it('reports counters, gauges and render durations to the app’s meter provider', async () => {
    const reader = new TestReader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    resetMetrics();
    const registry = metricsRegistry();
    await vi.waitFor(() => expect(registry.onRender).toBeTypeOf('function'));

    viewletCounters('teaser').hit = 3;
    await timedRender('teaser', () => 'x');
    countStat('redis', 'timeout', 2);
    registerStoreProbe('redis', { breaker: () => 'half-open', pendingInvalidations: () => 3 });

    const result = await reader.collect();
    expect(points(result, 'viewlet.calls')).toContainEqual(
      expect.objectContaining({ attributes: { viewlet: 'teaser', outcome: 'hit' }, value: 3 }),
    );
    expect(points(result, 'viewlet.renders')).toContainEqual(expect.objectContaining({ attributes: { viewlet: 'teaser' }, value: 1 }));
    expect(points(result, 'viewlet.store.timeouts')).toContainEqual(expect.objectContaining({ attributes: { store: 'redis' }, value: 2 }));
    expect(points(result, 'viewlet.store.breaker.state')).toContainEqual(
      expect.objectContaining({ attributes: { store: 'redis', state: 'half-open' }, value: 1 }),
    );
    expect(points(result, 'viewlet.store.pending_invalidations')).toContainEqual(
      expect.objectContaining({ attributes: { store: 'redis' }, value: 3 }),
    );
    const [duration] = points(result, 'viewlet.render.duration');
    expect(duration).toMatchObject({ attributes: { viewlet: 'teaser' }, value: { count: 1 } });
  });

  it('picks up a provider registered after the metrics started', async () => {
    resetMetrics();
    const registry = metricsRegistry();
    await vi.waitFor(() => expect(registry.onRender).toBeTypeOf('function'));
    const reader = new TestReader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    await timedRender('late', () => 'x');
    const result = await reader.collect();
    expect(points(result, 'viewlet.renders')).toContainEqual(expect.objectContaining({ attributes: { viewlet: 'late' }, value: 1 }));
    expect(points(result, 'viewlet.render.duration')).toHaveLength(1);
  });

  it('does nothing without the package', async () => {
    const registry = { ...metricsRegistry(), onRender: undefined };
    let settled = false;
    bindOpenTelemetry(registry, () =>
      Promise.reject(new Error("Cannot find package '@opentelemetry/api'")).finally(() => (settled = true)),
    );
    await vi.waitFor(() => expect(settled).toBe(true));
    await Promise.resolve();
    expect(registry.onRender).toBeUndefined();
  });
});
