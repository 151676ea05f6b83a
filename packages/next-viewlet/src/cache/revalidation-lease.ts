/**
 * One background re-render per stale entry, cluster-wide.
 *
 * Next re-renders an entry in the background whenever a read returns it stale,
 * on every instance that reads it (measured: two instances, one expiry, two
 * renders). The first instance that reads it stale takes a short lease in the
 * store (`SET NX PX`, its value says until when) and lets Next re-render; the
 * others, and this instance's own later reads, serve the stale copy as if it
 * were fresh until the new entry lands or the lease ends. A re-render that
 * fails stores nothing, so the next attempt waits for the lease to end, and
 * each further failed attempt doubles the lease (up to `maxLeaseMs`): a failing
 * data source is retried with back-off, not on every request, while visitors
 * keep the stale copy (stale-if-error).
 * Advisory like the fill lock: a store failure means "re-render here".
 */
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ViewletStore } from '../stores/types.ts';

export interface RevalidationLeaseOptions {
  /** The shared store, or `undefined` for a process-local lease (unshared stores). */
  store: Pick<ViewletStore, 'setIfAbsent' | 'deleteIfEquals'> | undefined;
  /** How long a lease holds, in ms. */
  leaseMs: number;
  /** Longest lease after repeated failed re-renders, in ms. Default 60000. */
  maxLeaseMs?: number;
  /** The store's clock, ms (lease ends are compared across instances). */
  now: () => number;
}

/** `mine`: this read triggers the re-render. Otherwise one is under way: serve the entry as fresh until `until`. */
export type LeaseClaim = { mine: true } | { mine: false; until: number };

export interface RevalidationLease {
  claim(key: string, leaseKey: string): Promise<LeaseClaim>;
  /** A new generation of `key` was stored: end this process's lease (in the background). */
  release(key: string): void;
}

export function createRevalidationLease(options: RevalidationLeaseOptions): RevalidationLease {
  const { store, leaseMs, now } = options;
  const maxLeaseMs = Math.max(leaseMs, options.maxLeaseMs ?? 60_000);
  // Leases known to be running, by cache key: ours (with the token to release) and others'.
  const running = new Map<string, { until: number; leaseKey?: string; token?: string }>();
  // Re-renders this process started for a key that have not stored anything yet.
  const attempts = new LRUCache<string, number>({ max: 10_000 });
  const leaseFor = (key: string) => {
    const n = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, n);
    return Math.min(leaseMs * 2 ** (n - 1), maxLeaseMs);
  };
  // Ended leases are dropped when the map grows, not by a timer per lease: a
  // timer made during a request keeps that request's async context (response,
  // streams, render state) alive until it fires, up to maxLeaseMs.
  const remember = (key: string, lease: { until: number; leaseKey?: string; token?: string }) => {
    if (running.size >= 1000) {
      const at = now();
      for (const [k, known] of running) if (known.until <= at) running.delete(k);
    }
    running.set(key, lease);
  };

  return {
    async claim(key, leaseKey) {
      const known = running.get(key);
      if (known && known.until > now()) return { mine: false, until: known.until };
      const ms = leaseFor(key);
      const until = now() + ms;
      const token = randomUUID();
      if (!store) {
        remember(key, { until });
        return { mine: true };
      }
      let answer: true | string | null;
      try {
        answer = await store.setIfAbsent(leaseKey, `${token} ${until}`, ms);
      } catch {
        return { mine: true };
      }
      if (answer === true) {
        remember(key, { until, leaseKey, token });
        return { mine: true };
      }
      const theirs = answer === null ? Number.NaN : Number(answer.slice(answer.indexOf(' ') + 1));
      // Vanished meanwhile, or unreadable: re-render here rather than wait for nothing.
      if (!(theirs > now())) return { mine: true };
      attempts.delete(key); // not ours: our count of failed attempts does not apply
      const end = Math.min(theirs, now() + maxLeaseMs);
      remember(key, { until: end });
      return { mine: false, until: end };
    },
    release(key) {
      attempts.delete(key);
      const lease = running.get(key);
      if (!lease) return;
      running.delete(key);
      if (store && lease.leaseKey && lease.token) store.deleteIfEquals(lease.leaseKey, `${lease.token} ${lease.until}`).catch(() => {});
    },
  };
}
