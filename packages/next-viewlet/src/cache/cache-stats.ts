/**
 * Counters per store, as the cache core and the guarded store count them:
 * hits, stale hits, misses, store errors and timeouts, writes, and entries not
 * stored. They live in the process-wide metrics registry (src/metrics), which
 * is kept on `globalThis`, so the copy of this module that Next loads for the
 * handler and the copy an app bundles (for a stats page) count into one place.
 */
import { metricsRegistry, type StoreCounterName, storeCounters } from '../metrics/metrics-registry.ts';

/** The per-store counters returned by `stats()`. */
export interface StoreStats {
  /** Fresh entries returned. */
  hit: number;
  /** Stale entries returned (Next re-renders them in the background). */
  stale: number;
  /** Reads that returned nothing (Next renders). */
  miss: number;
  /** Failed or timed-out store calls, and calls refused by an open circuit. */
  error: number;
  /** Store calls that missed their deadline (also counted in `error`). */
  timeout: number;
  /** Entries written. */
  set: number;
  /** Entries not written: failures, uncacheable lifetimes, oversize values, failed streams. */
  skip: number;
}

export type StatName = keyof StoreStats | Extract<StoreCounterName, 'bytesStored'>;

/** Adds `n` to one counter of `store` (by name: 'memory', 'redis', 'upstash', or a custom name). */
export function countStat(store: string, stat: StatName, n = 1): void {
  storeCounters(store)[stat] += n;
}

/** A copy of the counters, by store name. The full set (bytes, breaker state, per viewlet) is in `next-viewlet/stats`. */
export function stats(): Record<string, StoreStats> {
  return Object.fromEntries(
    [...metricsRegistry().stores].map(([name, { hit, stale, miss, error, timeout, set, skip }]) => [
      name,
      { hit, stale, miss, error, timeout, set, skip },
    ]),
  );
}

/** Sets every store counter back to zero. */
export function resetStats(): void {
  metricsRegistry().stores.clear();
}
