/**
 * The cache behind the Next handler, independent of Next: entries in a store
 * (optionally behind an in-memory first tier), judged by time and by tag
 * invalidation timestamps, with stale-while-revalidate, pending-set waits,
 * stampede protection and graceful degradation.
 *
 * - get: fresh → returned; stale (past `revalidate`, or a tag softly
 *   invalidated after the entry's generation started) → returned, with
 *   `revalidate: -1` for tag staleness, so Next serves it and re-renders in the
 *   background; expired → miss. On a miss with a shared store, one instance
 *   takes a lease lock and renders; the others wait up to `lockWaitMs` for its
 *   entry (they render themselves if it does not come).
 * - set: the value is buffered (bounded by `maxEntryBytes`) and stored with a
 *   TTL of its hard expiry. Failures, `expire <= 0`, `revalidate: 0`, failed
 *   streams and oversize values are never stored.
 * - Store failures and timeouts never escape: reads degrade to the first tier
 *   or a miss, writes to the first tier; a circuit breaker stops calling a
 *   dead store and probes it again after a cool-down.
 */
import { LRUCache } from 'lru-cache';
import { debugLog, warnOnce } from '../util/log.ts';
import type { ViewletStore } from '../stores/types.ts';
import { countStat } from './cache-stats.ts';
import { decodeEntry, encodeEntry, streamOf, type StoredEntry } from './entry-codec.ts';
import { readBytes } from '../util/read-bytes.ts';
import { guardStore, type GuardedStore } from './guarded-store.ts';
import { createSingleFlight } from './single-flight.ts';
import { createFillLock } from './fill-lock.ts';
import { createStoreClock } from './store-clock.ts';
import { createTagSystem, tagKey } from './tag-system.ts';

/** Next's `CacheEntry`, structurally (durations in seconds, `timestamp` in ms at the start of generation). */
export interface CacheEntryLike {
  value: ReadableStream<Uint8Array>;
  tags: string[];
  stale: number;
  timestamp: number;
  expire: number;
  revalidate: number;
}

export interface CacheCoreOptions {
  /** Where entries and tag records live. */
  store: ViewletStore;
  /** Deadline of every store call, in ms; past it the call counts as failed (a miss). Default 500. */
  timeoutMs?: number;
  /** Values larger than this many bytes are not stored (logged once per key). Default 2 MiB. */
  maxEntryBytes?: number;
  /**
   * Size of the in-memory tier in bytes. In front of a shared store it is the
   * first tier (0 turns it off); with an unshared (memory) store it is where
   * entries live, decoded, so a hit costs no parsing. Default 32 MiB shared, 64 MiB unshared.
   */
  l1MaxBytes?: number;
  /** Least time between two tag refreshes, in ms. Default 0: every `refreshTags()` (once per request). */
  tagRefreshIntervalMs?: number;
  /** Most tag records kept in memory. Default 10000. */
  maxKnownTags?: number;
  /** Stampede protection across instances (lease lock on a miss). Default: on for a shared store. */
  lock?: boolean;
  /** Lease of a fill lock, in ms: how long others defer to an instance that is rendering. Default 5000. */
  lockLeaseMs?: number;
  /** Longest a miss waits for another instance's fill, in ms (at most the lease). Default 2000. */
  lockWaitMs?: number;
  /** Consecutive store failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long an open circuit refuses store calls before a probe, in ms. Default 5000. */
  cooldownMs?: number;
  /** Cap of an entry's life in the store, in s (Next's "never" is 136 years). Tag records live this long plus a day. Default 1 year. */
  maxTtlSeconds?: number;
  /** Name for stats and logs. Default: the store's name. */
  statsName?: string;
}

export interface CacheCore {
  get(cacheKey: string, softTags?: readonly string[]): Promise<CacheEntryLike | undefined>;
  set(cacheKey: string, pendingEntry: Promise<CacheEntryLike>): Promise<void>;
  refreshTags(): Promise<void>;
  /** `Infinity`: soft tags are checked in `get`, with stale-vs-expired semantics. */
  getExpiration(tags: readonly string[]): Promise<number>;
  updateTags(tags: readonly string[], durations?: { expire?: number }): Promise<void>;
  /** The guarded store (for stats and tests). */
  readonly store: GuardedStore;
  close(): Promise<void>;
}

type Judged = { entry: StoredEntry; state: 'fresh' | 'stale' | 'expired'; tagStale: boolean };

const FAILED = Symbol('store failed');
const entryKey = (cacheKey: string) => `entry:${cacheKey}`;
const shortKey = (cacheKey: string) => (cacheKey.length > 100 ? `${cacheKey.slice(0, 100)}…` : cacheKey);

export function createCacheCore(options: CacheCoreOptions): CacheCore {
  const store = guardStore(options.store, { ...options, timeoutMs: options.timeoutMs ?? 500 });
  const name = store.name;
  const maxEntryBytes = options.maxEntryBytes ?? 2 * 1024 * 1024;
  const maxTtlMs = (options.maxTtlSeconds ?? 31_536_000) * 1000;
  // An unshared store is in this process anyway: keep entries decoded in the
  // in-memory tier only, never as text in the store (tags still go there).
  const remoteEntries = store.shared;
  const l1Bytes = Math.max(options.l1MaxBytes ?? (remoteEntries ? 32 : 64) * 1024 * 1024, remoteEntries ? 0 : 1024 * 1024);
  const leaseMs = options.lockLeaseMs ?? 5000;

  const clock = createStoreClock(store);
  const tags = createTagSystem({
    store,
    clock,
    recordTtlMs: maxTtlMs + 86_400_000,
    ...(options.maxKnownTags !== undefined && { maxKnownTags: options.maxKnownTags }),
    ...(options.tagRefreshIntervalMs !== undefined && { refreshIntervalMs: options.tagRefreshIntervalMs }),
  });
  const l1 =
    l1Bytes > 0
      ? new LRUCache<string, StoredEntry>({
          maxSize: l1Bytes,
          sizeCalculation: (entry, key) => entry.bytes.byteLength + key.length + 256,
          allowStale: false,
        })
      : undefined;
  const lock =
    (options.lock ?? store.shared) ? createFillLock(store, { leaseMs, waitMs: Math.min(options.lockWaitMs ?? 2000, leaseMs) }) : undefined;
  const pendingSets = new Map<string, Promise<void>>();
  const readFlight = createSingleFlight<StoredEntry | undefined | typeof FAILED>();

  function judge(entry: StoredEntry, softTags: readonly string[], now: number): Judged {
    const { meta } = entry;
    if (now >= meta.timestamp + meta.expire * 1000) return { entry, state: 'expired', tagStale: false };
    const byTags = tags.freshness([...meta.tags, ...softTags], meta.timestamp, now);
    if (byTags !== 'fresh') return { entry, state: byTags, tagStale: byTags === 'stale' };
    const stale = now > meta.timestamp + meta.revalidate * 1000;
    return { entry, state: stale ? 'stale' : 'fresh', tagStale: false };
  }

  /** Reads the entry from the store, fetching unknown soft tags in the same round trip. */
  function readRemote(cacheKey: string, softTags: readonly string[]): Promise<StoredEntry | undefined | typeof FAILED> {
    return readFlight(cacheKey, async () => {
      const unknownSoft = tags.unknown(softTags);
      let values: (string | null)[];
      try {
        values = await store.getMany([entryKey(cacheKey), ...unknownSoft.map(tagKey)]);
      } catch {
        return FAILED;
      }
      tags.remember(unknownSoft, values.slice(1));
      return values[0] ? decodeEntry(values[0]) : undefined;
    });
  }

  async function judged(entry: StoredEntry | undefined, softTags: readonly string[]): Promise<Judged | undefined> {
    if (!entry) return undefined;
    await tags.load([...entry.meta.tags, ...softTags]);
    return judge(entry, softTags, clock.now());
  }

  async function lookup(cacheKey: string, softTags: readonly string[]): Promise<Judged | undefined> {
    const local = await judged(l1?.get(cacheKey), softTags);
    if (local?.state === 'fresh') return local;
    if (local?.state === 'expired') l1!.delete(cacheKey);
    if (!remoteEntries) return local?.state === 'stale' ? local : undefined;
    // Not fresh here: another instance may have stored a newer generation.
    const read = await readRemote(cacheKey, softTags);
    if (read === FAILED) return local?.state === 'stale' ? local : undefined; // no lock without a store
    const remote = await judged(read, softTags);
    if (remote && remote.state !== 'expired') {
      const newer = local?.state !== 'stale' || remote.entry.meta.timestamp >= local.entry.meta.timestamp;
      if (remote.state === 'fresh' || newer) {
        remember(cacheKey, remote.entry);
        return remote;
      }
    }
    if (local?.state === 'stale') return local;
    if (!lock) return undefined;
    // A miss: render here (lock taken), or wait briefly for the instance that is rendering it.
    return lock.claimOrWait(cacheKey, entryKey(cacheKey), async (text) => {
      const found = await judged(text ? decodeEntry(text) : undefined, softTags);
      if (!found || found.state === 'expired') return undefined;
      remember(cacheKey, found.entry);
      return found;
    });
  }

  function remember(cacheKey: string, entry: StoredEntry): void {
    const ttl = entry.meta.timestamp + Math.min(entry.meta.expire * 1000, maxTtlMs) - clock.now();
    if (ttl > 0) l1?.set(cacheKey, entry, { ttl: Math.ceil(ttl) });
  }

  async function write(cacheKey: string, entry: CacheEntryLike): Promise<void> {
    if (!(entry.expire > 0) || entry.revalidate === 0) {
      entry.value.cancel().catch(() => {});
      countStat(name, 'skip');
      debugLog('cache', 'not storing an uncacheable entry', {
        key: shortKey(cacheKey),
        expire: entry.expire,
        revalidate: entry.revalidate,
      });
      return;
    }
    const read = await readBytes(entry.value, { maxBytes: maxEntryBytes });
    if (!read.ok) {
      countStat(name, 'skip');
      if (read.reason === 'too-large') {
        warnOnce(
          `oversize:${cacheKey}`,
          `not caching ${shortKey(cacheKey)}: its value is larger than maxEntryBytes (${maxEntryBytes} bytes).`,
        );
      } else {
        debugLog('cache', 'not storing a failed stream', { key: shortKey(cacheKey) });
      }
      return;
    }
    await clock.ensure();
    const stored: StoredEntry = {
      meta: {
        tags: [...entry.tags],
        timestamp: entry.timestamp + clock.offset(),
        revalidate: entry.revalidate,
        expire: entry.expire,
        stale: entry.stale,
      },
      bytes: read.bytes,
    };
    const ttl = Math.ceil(stored.meta.timestamp + Math.min(entry.expire * 1000, maxTtlMs) - clock.now());
    if (ttl <= 0) {
      countStat(name, 'skip');
      return;
    }
    remember(cacheKey, stored);
    if (!remoteEntries) {
      countStat(name, 'set');
      return;
    }
    try {
      await store.set(entryKey(cacheKey), encodeEntry(stored), ttl);
      countStat(name, 'set');
      debugLog('cache', 'stored', { key: shortKey(cacheKey), bytes: read.bytes.byteLength, ttl });
    } catch {
      // Kept in the first tier (if any); the next instance renders its own.
    }
  }

  return {
    store,
    async get(cacheKey, softTags = []) {
      try {
        const pending = pendingSets.get(cacheKey);
        if (pending) await pending;
        await clock.ensure();
        const found = await lookup(cacheKey, softTags);
        if (!found) {
          countStat(name, 'miss');
          debugLog('cache', 'miss', { key: shortKey(cacheKey) });
          return undefined;
        }
        countStat(name, found.state === 'fresh' ? 'hit' : 'stale');
        debugLog('cache', found.state === 'fresh' ? 'hit' : found.tagStale ? 'stale (tag)' : 'stale (time)', { key: shortKey(cacheKey) });
        const { meta, bytes } = found.entry;
        return {
          value: streamOf(bytes),
          tags: [...meta.tags],
          stale: meta.stale,
          timestamp: meta.timestamp - clock.offset(),
          expire: meta.expire,
          revalidate: found.tagStale ? -1 : meta.revalidate,
        };
      } catch (error) {
        countStat(name, 'miss');
        debugLog('cache', 'get failed; treating as a miss', { key: shortKey(cacheKey), error: String(error) });
        return undefined;
      }
    },
    async set(cacheKey, pendingEntry) {
      let done!: () => void;
      const pending = new Promise<void>((resolve) => (done = resolve));
      pendingSets.set(cacheKey, pending);
      try {
        await write(cacheKey, await pendingEntry);
      } catch (error) {
        countStat(name, 'skip');
        debugLog('cache', 'set failed', { key: shortKey(cacheKey), error: String(error) });
      } finally {
        if (pendingSets.get(cacheKey) === pending) pendingSets.delete(cacheKey);
        done();
        lock?.release(cacheKey);
      }
    },
    async refreshTags() {
      try {
        // Only another instance could have invalidated a tag we do not know of already.
        if (!store.shared) return;
        await clock.ensure();
        await tags.refresh();
      } catch {
        // Keep the tags we know; the breaker and the error count report the store.
      }
    },
    async getExpiration() {
      return Number.POSITIVE_INFINITY;
    },
    async updateTags(tagList, durations) {
      try {
        await tags.invalidate(tagList, durations);
      } catch (error) {
        debugLog('cache', 'updateTags failed', { error: String(error) });
      }
    },
    close: () => store.close(),
  };
}
