/**
 * Counters per store, as the cache core and the guarded store count them:
 * hits, stale hits, misses, store errors and timeouts, writes, and entries not
 * stored. They live in the process-wide metrics registry (src/metrics), which
 * is kept on `globalThis`, so the copy of this module that Next loads for the
 * handler and the copy an app bundles (for a stats page) count into one place.
 */
import { metricsRegistry, type StoreCounterName, type StoreCounters, storeCounters } from '../metrics/metrics-registry.ts';

/**
 * The per-store counters returned by `stats()`: fresh hits, stale hits, misses,
 * errors, timeouts, calls given up on for event-loop lag, writes, entries not written.
 */
export type StoreStats = Pick<StoreCounters, 'hit' | 'stale' | 'miss' | 'error' | 'timeout' | 'lagTimeout' | 'set' | 'skip'>;

export type StatName = keyof StoreStats | Extract<StoreCounterName, 'bytesStored'>;

/** Adds `n` to one counter of `store` (by name: 'memory', 'redis', 'upstash', or a custom name). */
export function countStat(store: string, stat: StatName, n = 1): void {
  storeCounters(store)[stat] += n;
}

/** A copy of the counters, by store name. The full set (bytes, breaker state, per viewlet) is in `next-viewlet/stats`. */
export function stats(): Record<string, StoreStats> {
  return Object.fromEntries(
    [...metricsRegistry().stores].map(([name, { hit, stale, miss, error, timeout, lagTimeout, set, skip }]) => [
      name,
      { hit, stale, miss, error, timeout, lagTimeout, set, skip },
    ]),
  );
}

/** Sets every store counter back to zero. */
export function resetStats(): void {
  metricsRegistry().stores.clear();
}
