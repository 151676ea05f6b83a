/**
 * What every handler on one store shares in a process: the guarded store
 * (deadlines, circuit breaker), the store clock, the tag system with its
 * journal cursor, and the read batchers. The `'use cache'` handler and the
 * incremental cache handler on the same store use one tier, so a request
 * reads the journal once and one invalidation is judged the same everywhere.
 */
import type { TagRecord } from '../stores/tag-record.ts';
import type { ViewletStore } from '../stores/types.ts';
import { createLog, defaultLog, type Log, type ViewletLogger } from '../util/log.ts';
import { type BatchLoad, createBatcher } from './batcher.ts';
import { type GuardedStore, type GuardOptions, guardStore } from './guarded-store.ts';
import { createStoreClock, type StoreClock } from './store-clock.ts';
import { createTagSystem, type TagSystem } from './tag-system.ts';

export interface SharedTierOptions extends Omit<GuardOptions, 'log'> {
  /** Cap of an entry's life in the store, in s. Tag records live this long plus a day. @default 31536000 */
  maxTtlSeconds?: number;
  /** Least time between two journal reads, in ms. @default 0 */
  tagRefreshIntervalMs?: number;
  /** Most tag records kept in memory. @default 10000 */
  maxKnownTags?: number;
  logger?: ViewletLogger;
  now?: () => number;
}

export interface SharedTier {
  readonly store: GuardedStore;
  readonly clock: StoreClock;
  readonly tags: TagSystem;
  readonly log: Log;
  /** Entry reads of one moment, batched into one `getMany`. */
  readonly readEntries: BatchLoad<string | null>;
  /** Reads the journal (shared stores only); never throws. */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

const TIERS = Symbol.for('next-viewlet.shared-tiers');
type Holder = { [TIERS]?: WeakMap<ViewletStore, SharedTier> };

/** The tier of `store` in this process: created on first use, then shared (the first caller's options win). */
export function sharedTierFor(store: ViewletStore, options: SharedTierOptions = {}): SharedTier {
  const tiers = ((globalThis as Holder)[TIERS] ??= new WeakMap());
  let tier = tiers.get(store);
  if (!tier) {
    tier = createSharedTier(store, options);
    tiers.set(store, tier);
  }
  return tier;
}

export function createSharedTier(inner: ViewletStore, options: SharedTierOptions = {}): SharedTier {
  const log = options.logger ? createLog(options.logger) : defaultLog;
  const now = options.now ?? Date.now;
  const store = guardStore(inner, { ...options, log, now });
  const clock = createStoreClock(store, { now });
  const maxTtlMs = (options.maxTtlSeconds ?? 31_536_000) * 1000;
  const tags = createTagSystem({
    store,
    clock,
    log,
    now,
    recordTtlMs: maxTtlMs + 86_400_000,
    loadRecords: createBatcher<TagRecord | null>((list) => store.getTagRecords(list)),
    ...(options.maxKnownTags !== undefined && { maxKnownTags: options.maxKnownTags }),
    ...(options.tagRefreshIntervalMs !== undefined && { refreshIntervalMs: options.tagRefreshIntervalMs }),
  });
  return {
    store,
    clock,
    tags,
    log,
    readEntries: createBatcher((keys) => store.getMany(keys)),
    async refresh() {
      try {
        // Only another instance could have invalidated a tag we do not know of already.
        if (!store.shared) return;
        await clock.ensure();
        await tags.refresh();
      } catch {
        // Keep the tags we know; the breaker and the error count report the store.
      }
    },
    async close() {
      tags.close();
      await store.close();
    },
  };
}
