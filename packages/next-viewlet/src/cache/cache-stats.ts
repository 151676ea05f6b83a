/**
 * Counters per store: hits, stale hits, misses, store errors, writes, and
 * entries not stored. Kept on `globalThis` so the copy of this module that
 * Next loads for the handler and the copy an app bundles (for a stats page)
 * count into one object.
 */
export interface StoreStats {
  /** Fresh entries returned. */
  hit: number;
  /** Stale entries returned (Next re-renders them in the background). */
  stale: number;
  /** Reads that returned nothing (Next renders). */
  miss: number;
  /** Failed or timed-out store calls, and calls refused by an open circuit. */
  error: number;
  /** Store calls given up on because this process's event loop was blocked (not counted against the store). */
  lagTimeout: number;
  /** Entries written. */
  set: number;
  /** Entries not written: failures, uncacheable lifetimes, oversize values, failed streams. */
  skip: number;
}

export type StatName = keyof StoreStats;

const KEY = Symbol.for('next-viewlet.cache-stats');
type Holder = { [KEY]?: Record<string, StoreStats> };

function table(): Record<string, StoreStats> {
  return ((globalThis as Holder)[KEY] ??= {});
}

/** Adds `n` to one counter of `store` (by name: 'memory', 'redis', 'upstash', or a custom name). */
export function countStat(store: string, stat: StatName, n = 1): void {
  const all = table();
  const row = (all[store] ??= { hit: 0, stale: 0, miss: 0, error: 0, lagTimeout: 0, set: 0, skip: 0 });
  row[stat] += n;
}

/** A copy of the counters, by store name. */
export function stats(): Record<string, StoreStats> {
  return Object.fromEntries(Object.entries(table()).map(([name, row]) => [name, { ...row }]));
}

/** Sets every counter back to zero. */
export function resetStats(): void {
  delete (globalThis as Holder)[KEY];
}
