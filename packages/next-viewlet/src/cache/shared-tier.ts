/**
 * What every handler on one store shares in a process: the guarded store
 * (deadlines, circuit breaker), the store clock, the tag system with its
 * journal cursor, and the read batchers. The `'use cache'` handler and the
 * incremental cache handler on the same store use one tier, so a request
 * reads the journal once and one invalidation is judged the same everywhere.
 */
import { getKindStore, getTagStore } from '../stores/from-env.ts';
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
const ENTRY_TIERS = Symbol.for('next-viewlet.entry-tiers');
type Holder = { [TIERS]?: WeakMap<ViewletStore, SharedTier>; [ENTRY_TIERS]?: WeakMap<ViewletStore, SharedTier> };

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

/**
 * The tier of `store` for entries when another store judges tags (a cache kind
 * with a store of its own): entries, fill locks and leases in `store`; tag
 * records, journal and clock from `tagTier`, so entry times are on the judge's
 * clock and one invalidation reaches every kind. `store === tagTier`'s store: `tagTier` itself.
 */
export function entryTierFor(store: ViewletStore, tagTier: SharedTier, options: SharedTierOptions = {}): SharedTier {
  const holder = globalThis as Holder;
  if (holder[TIERS]?.get(store) === tagTier) return tagTier;
  const tiers = (holder[ENTRY_TIERS] ??= new WeakMap());
  let tier = tiers.get(store);
  if (!tier) {
    const guarded = guardStore(store, { ...options, log: tagTier.log, now: options.now ?? Date.now });
    tier = {
      store: guarded,
      clock: tagTier.clock,
      tags: tagTier.tags,
      log: tagTier.log,
      readEntries: createBatcher((keys) => guarded.getMany(keys)),
      refresh: () => tagTier.refresh(),
      // The tag tier is the judge of other kinds too: only this tier's own store closes.
      close: () => guarded.close(),
    };
    tiers.set(store, tier);
  }
  return tier;
}

/**
 * The tier of cache kind `kind` on the process's stores (from env): its entries
 * in the kind's store (`getKindStore`), its tags judged by `getTagStore()`'s tier.
 * The incremental cache handler's entries are the `default` kind's.
 */
export function processTierFor(kind: string, options: SharedTierOptions = {}): SharedTier {
  const entries = getKindStore(kind);
  const judge = getTagStore();
  const tagTier = sharedTierFor(judge, options);
  return entries === judge ? tagTier : entryTierFor(entries, tagTier, options);
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
