/**
 * What both cache cores (the `'use cache'` one and the incremental one) set up
 * the same way around their entries: the size of the first tier, the fill lock
 * (one instance renders a miss, the others wait briefly), the revalidation
 * lease (one instance re-renders a stale entry) and the pending sets (a read of
 * a key waits until the first tier holds the entry being written).
 */
import type { CacheCoreOptions } from './cache-core.ts';
import { createFillLock, type FillLock } from './fill-lock.ts';
import { createRevalidationLease, type RevalidationLease } from './revalidation-lease.ts';
import type { SharedTier } from './shared-tier.ts';

export type CoordinationOptions = Pick<CacheCoreOptions, 'l1MaxBytes' | 'lock' | 'lockLeaseMs' | 'lockWaitMs' | 'revalidateLeaseMs'>;

/** Writes under way, by key. */
export interface PendingSets {
  /** The write of `key` under way, if any (resolves once the first tier holds it). */
  of(key: string): Promise<void> | undefined;
  /** Starts a write of `key`; call the returned function when the first tier holds it (or it failed). */
  begin(key: string): () => void;
}

export interface EntryCoordination {
  /** Entries go to the store (a shared store); otherwise they live in the first tier only. */
  remoteEntries: boolean;
  /** Size of the first tier in bytes (0: none). */
  l1Bytes: number;
  lock: FillLock | undefined;
  lease: RevalidationLease;
  pending: PendingSets;
}

export function entryCoordination(tier: SharedTier, options: CoordinationOptions): EntryCoordination {
  const { store, clock } = tier;
  const remoteEntries = store.shared;
  const leaseMs = options.lockLeaseMs ?? 5000;
  const sets = new Map<string, Promise<void>>();
  return {
    remoteEntries,
    // An unshared store keeps entries in this tier only: it cannot be off.
    l1Bytes: Math.max(options.l1MaxBytes ?? (remoteEntries ? 32 : 64) * 1024 * 1024, remoteEntries ? 0 : 1024 * 1024),
    lock:
      (options.lock ?? store.shared)
        ? createFillLock(store, { leaseMs, waitMs: Math.min(options.lockWaitMs ?? leaseMs, leaseMs) })
        : undefined,
    lease: createRevalidationLease({
      store: store.shared ? store : undefined,
      leaseMs: options.revalidateLeaseMs ?? leaseMs,
      now: () => clock.now(),
    }),
    pending: {
      of: (key) => sets.get(key),
      begin(key) {
        let done!: () => void;
        const pending = new Promise<void>((resolve) => {
          done = resolve;
        });
        sets.set(key, pending);
        return () => {
          if (sets.get(key) === pending) sets.delete(key);
          done();
        };
      },
    },
  };
}
