/**
 * The store's clock, read without a round trip per call: the offset between
 * the store's `time()` and the local clock is measured (best of a few round
 * trips, half of each credited to either leg) and refreshed in the
 * background. Tag timestamps and entry generation times are kept on this
 * clock, so instances whose local clocks disagree still agree on what
 * happened first. An offset within the measurement's own uncertainty is taken
 * as 0: instances on one host (or with well-synchronised clocks) then compare
 * exact local times instead of noisy estimates.
 */
import type { ViewletStore } from '../stores/types.ts';

export interface StoreClock {
  /** The store's time now, in ms since the epoch. */
  now(): number;
  /** Store time minus local time, in ms. */
  offset(): number;
  /** Measures the offset if it was never measured (waits once), or refreshes it in the background when due. */
  ensure(): Promise<void>;
}

export interface StoreClockOptions {
  /** How often to re-measure, in ms. Default 60000. */
  syncIntervalMs?: number;
  /** Wait before re-trying a failed measurement, in ms. Default 5000. */
  retryMs?: number;
  /** Round trips per measurement; the fastest one counts. Default 3. */
  samples?: number;
  /** The local clock, ms. Default `Date.now`. */
  now?: () => number;
}

export function createStoreClock(store: Pick<ViewletStore, 'time'>, options: StoreClockOptions = {}): StoreClock {
  const interval = options.syncIntervalMs ?? 60_000;
  const retryMs = options.retryMs ?? 5000;
  const samples = options.samples ?? 3;
  const localNow = options.now ?? Date.now;
  let offset = 0;
  let nextSyncAt = 0;
  let first: Promise<void> | undefined;
  let running: Promise<void> | undefined;

  async function measure(count: number): Promise<{ offset: number; uncertainty: number }> {
    let best = { offset: 0, uncertainty: Number.POSITIVE_INFINITY };
    for (let i = 0; i < count; i++) {
      const before = localNow();
      const storeTime = await store.time();
      const after = localNow();
      // The store read its clock somewhere in [before, after]; TIME has ms resolution here.
      const uncertainty = (after - before) / 2 + 1;
      if (uncertainty < best.uncertainty) best = { offset: storeTime - (before + after) / 2, uncertainty };
    }
    return best;
  }

  // The first measurement blocks the first cache call, so it takes one round
  // trip; the next call refines it with the full sample in the background.
  const sync = (count: number) =>
    (running ??= (async () => {
      try {
        const measured = await measure(count);
        offset = Math.abs(measured.offset) <= measured.uncertainty ? 0 : Math.round(measured.offset);
        nextSyncAt = count < samples ? localNow() : localNow() + interval;
      } catch {
        nextSyncAt = localNow() + retryMs;
      } finally {
        running = undefined;
      }
    })());

  return {
    now: () => localNow() + offset,
    offset: () => offset,
    async ensure() {
      if (!first) {
        first = sync(1);
        return first;
      }
      if (localNow() >= nextSyncAt) void sync(samples);
    },
  };
}
