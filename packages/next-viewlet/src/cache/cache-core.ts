/**
 * The cache behind the Next handler, independent of Next: entries in a store
 * (behind an in-memory first tier), judged by time and by tag invalidations,
 * with stale-while-revalidate, pending-set waits, stampede protection and
 * graceful degradation.
 *
 * - get: fresh → returned; stale (past `revalidate`, or a tag softly
 *   invalidated after the entry's generation started) → returned so Next serves
 *   it and re-renders in the background, by one instance cluster-wide (the
 *   revalidation lease; the others serve it as fresh meanwhile); expired → a
 *   miss. On a miss with a shared store, one instance takes a fill lock and
 *   renders; the others wait up to `lockWaitMs` for its entry.
 * - The reads of one moment (a page's viewlets) go to the store together, in
 *   one batched `getMany`.
 * - set: the value is buffered (bounded by `maxEntryBytes`) and stored with a
 *   TTL of its hard expiry. Failures, `expire <= 0`, `revalidate: 0`, failed
 *   streams and oversize values are never stored. A read of the key waits for
 *   the first tier to hold the new entry, not for the store's write.
 * - Store keys are `e:`, `l:` (fill lock) and `r:` (revalidation lease) plus a
 *   fixed-length digest of Next's cache key in a `{hash tag}` (one cluster slot
 *   for the three): no user id, session id or args appear in key names.
 * - Store failures and timeouts never escape: reads degrade to the first tier
 *   or a miss, writes to the first tier; a circuit breaker stops calling a
 *   dead store, and deadlines judge the store, not a busy event loop.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ViewletStore } from '../stores/types.ts';
import type { ViewletLogger } from '../util/log.ts';
import { readBytes } from '../util/read-bytes.ts';
import { countStat } from './cache-stats.ts';
import { decodeEntry, encodeEntry, type StoredEntry, streamOf } from './entry-codec.ts';
import { entryCoordination } from './entry-coordination.ts';
import type { GuardedStore } from './guarded-store.ts';
import { createSingleFlight } from './single-flight.ts';
import { createSharedTier, type SharedTier } from './shared-tier.ts';
import type { InvalidateCallOptions, InvalidateOutcome } from './tag-system.ts';

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
  /**
   * Deadline of every store read, in ms; past it (event-loop lag aside) the read counts as failed (a miss).
   * @default 500
   */
  timeoutMs?: number;
  /**
   * Deadline of every store write (entries, invalidations), in ms. Writes complete in the background.
   * @default 5000
   */
  writeTimeoutMs?: number;
  /**
   * Values larger than this many bytes are not stored (logged once per key).
   * @default 2097152 (2 MiB)
   */
  maxEntryBytes?: number;
  /**
   * Size of the in-memory tier in bytes. In front of a shared store it is the
   * first tier (0 turns it off); with an unshared (memory) store it is where
   * entries live, decoded, so a hit costs no parsing.
   * @default 32 MiB with a shared store, 64 MiB with an unshared one
   */
  l1MaxBytes?: number;
  /**
   * Least time between two tag refreshes (journal reads), in ms.
   * @default 0 (every `refreshTags()`, i.e. once per request)
   */
  tagRefreshIntervalMs?: number;
  /**
   * Most tag records kept in memory.
   * @default 10000
   */
  maxKnownTags?: number;
  /**
   * Stampede protection across instances (fill lock on a miss).
   * @default true with a shared store
   */
  lock?: boolean;
  /**
   * Lease of a fill lock, in ms: how long others defer to an instance that is rendering a missing entry.
   * @default 5000
   */
  lockLeaseMs?: number;
  /**
   * Longest a miss waits for another instance's fill, in ms (at most the lease). The wait ends
   * early when the entry lands or the holder lets the lock go; while the holder still holds it,
   * waiting costs less than rendering again on a busy machine (measured: a burst on two cold
   * instances rendered every viewlet twice with a 2 s wait, once with the lease).
   * @default lockLeaseMs
   */
  lockWaitMs?: number;
  /**
   * Lease of a background re-render, in ms: how long other instances serve a stale entry as fresh
   * while one instance re-renders it (and how long a failed re-render waits before the next try).
   * @default lockLeaseMs
   */
  revalidateLeaseMs?: number;
  /**
   * Consecutive store failures that open the circuit.
   * @default 5
   */
  failureThreshold?: number;
  /**
   * Consecutive store failures (at least 2) open the circuit once this long has passed since the
   * first of them was called, in ms, even below `failureThreshold`: a store that hangs while
   * concurrent requests share their calls fails rarely, but for long.
   * @default 1000
   */
  openAfterMs?: number;
  /**
   * Deadline of the check that confirms a first store failure, in ms: right after it, the store is
   * asked for its clock, and when that fails too the circuit opens at once (a hung store opens it
   * about `timeoutMs` + this after it stopped answering, instead of after a second read deadline).
   * A single slow reply does not: the check, queued behind it, is answered. 0 turns it off.
   * @default timeoutMs / 2
   */
  confirmTimeoutMs?: number;
  /**
   * Deadline of the store's first connection (importing the client, connecting, a cluster's
   * topology), in ms. Calls made meanwhile wait for it before their own deadline starts, so a
   * burst of cold requests at start-up, which slows that connection down, does not open the
   * circuit on a healthy store; a store that does not answer costs the first pages this much at most.
   * @default 2000
   */
  openTimeoutMs?: number;
  /**
   * How long an open circuit refuses store calls before a probe, in ms.
   * @default 5000
   */
  cooldownMs?: number;
  /**
   * Cap of an entry's life in the store, in s (Next's "never" is 136 years). Tag records live this long plus a day.
   * @default 31536000 (1 year)
   */
  maxTtlSeconds?: number;
  /** Name for stats and logs. Default: the store's name. */
  statsName?: string;
  /** Where log lines go. Default: `console`, prefixed `[next-viewlet]`. */
  logger?: ViewletLogger;
  /** The local clock, ms since the epoch. For tests. @default Date.now */
  now?: () => number;
  /**
   * The store's shared tier (guarded store, clock, tags) when other handlers use the same store
   * (`sharedTierFor(store)`); its options then apply. Default: a tier of this core's own.
   */
  tier?: SharedTier;
}

export interface CacheCore {
  get(cacheKey: string, softTags?: readonly string[]): Promise<CacheEntryLike | undefined>;
  set(cacheKey: string, pendingEntry: Promise<CacheEntryLike>): Promise<void>;
  refreshTags(): Promise<void>;
  /** `Infinity`: soft tags are checked in `get`, with stale-vs-expired semantics. */
  getExpiration(tags: readonly string[]): Promise<number>;
  /** Records an invalidation; `recorded` says whether the store took it (else it is retried in the background). */
  updateTags(tags: readonly string[], durations?: { expire?: number }, options?: InvalidateCallOptions): Promise<InvalidateOutcome>;
  /** Invalidations the store has not taken yet. */
  pendingInvalidations(): number;
  /** Writes pending invalidations; `true` when none is left within `timeoutMs`. */
  flush(timeoutMs: number): Promise<boolean>;
  /** The guarded store (for stats and tests). */
  readonly store: GuardedStore;
  close(): Promise<void>;
}

type Judged = { entry: StoredEntry; state: 'fresh' | 'stale' | 'expired'; tagStale: boolean };
type Keys = { hash: string; entry: string; lock: string; lease: string };

const FAILED = Symbol('store failed');
const shortKey = (cacheKey: string) => (cacheKey.length > 100 ? `${cacheKey.slice(0, 100)}…` : cacheKey);

/** The store keys of a cache key: a fixed-length digest in a hash tag, so an entry, its lock and its lease share a slot. */
export function storeKeys(cacheKey: string): Keys {
  const hash = createHash('sha256').update(cacheKey).digest('base64url').slice(0, 22);
  return { hash, entry: `e:{${hash}}`, lock: `l:{${hash}}`, lease: `r:{${hash}}` };
}

export function createCacheCore(options: CacheCoreOptions): CacheCore {
  const tier = options.tier ?? createSharedTier(options.store, { ...options, timeoutMs: options.timeoutMs ?? 500 });
  const { store, clock, tags, log, readEntries } = tier;
  const name = store.name;
  const maxEntryBytes = options.maxEntryBytes ?? 2 * 1024 * 1024;
  const maxTtlMs = (options.maxTtlSeconds ?? 31_536_000) * 1000;
  // An unshared store is in this process anyway: keep entries decoded in the
  // in-memory tier only, never as text in the store (tags still go there).
  const { remoteEntries, l1Bytes, lock, lease, pending } = entryCoordination(tier, options);
  const localNow = options.now ?? Date.now;

  const l1 =
    l1Bytes > 0
      ? new LRUCache<string, StoredEntry>({
          maxSize: l1Bytes,
          sizeCalculation: (entry, key) => entry.bytes.byteLength + key.length + 256,
          allowStale: false,
          perf: { now: localNow },
        })
      : undefined;
  const readFlight = createSingleFlight<StoredEntry | undefined | typeof FAILED>();

  function judge(entry: StoredEntry, softTags: readonly string[], now: number): Judged {
    const { meta } = entry;
    if (now >= meta.timestamp + meta.expire * 1000) return { entry, state: 'expired', tagStale: false };
    const byTags = tags.freshness([...meta.tags, ...softTags], meta.timestamp, now);
    if (byTags !== 'fresh') return { entry, state: byTags, tagStale: byTags === 'stale' };
    const stale = now > meta.timestamp + meta.revalidate * 1000;
    return { entry, state: stale ? 'stale' : 'fresh', tagStale: false };
  }

  async function judged(entry: StoredEntry | undefined, softTags: readonly string[]): Promise<Judged | undefined> {
    if (!entry) return undefined;
    await tags.load([...entry.meta.tags, ...softTags], entry.meta.timestamp);
    return judge(entry, softTags, clock.now());
  }

  function readRemote(cacheKey: string, keys: Keys): Promise<StoredEntry | undefined | typeof FAILED> {
    return readFlight(cacheKey, async () => {
      try {
        const [text] = await readEntries([keys.entry]);
        return text ? decodeEntry(text) : undefined;
      } catch {
        return FAILED;
      }
    });
  }

  async function lookup(cacheKey: string, softTags: readonly string[]): Promise<Judged | undefined> {
    const local = await judged(l1?.get(cacheKey), softTags);
    if (local?.state === 'fresh') return local;
    if (local?.state === 'expired') l1?.delete(cacheKey);
    if (!remoteEntries) return local?.state === 'stale' ? local : undefined;
    // Not fresh here: another instance may have stored a newer generation.
    const keys = storeKeys(cacheKey);
    const read = await readRemote(cacheKey, keys);
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
    return lock.claimOrWait(cacheKey, keys, async (text) => {
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

  /** What Next gets back: a new stream each time, times on the local clock; stale entries per the lease. */
  async function answer(cacheKey: string, found: Judged): Promise<CacheEntryLike> {
    const { meta, bytes } = found.entry;
    let revalidate = meta.revalidate;
    let state = found.state === 'fresh' ? 'hit' : found.tagStale ? 'stale (tag)' : 'stale (time)';
    if (found.state === 'stale') {
      const claim = await lease.claim(cacheKey, storeKeys(cacheKey).lease);
      if (claim.mine) {
        if (found.tagStale) revalidate = -1;
      } else {
        // Another re-render is under way: fresh for Next until its lease ends, so none starts here.
        revalidate = Math.min(meta.expire, Math.max(1, Math.ceil((claim.until - meta.timestamp) / 1000)));
        state += ', re-render under way elsewhere';
      }
    }
    countStat(name, found.state === 'fresh' ? 'hit' : 'stale');
    log.debug('cache', state, { key: shortKey(cacheKey) });
    return {
      value: streamOf(bytes),
      tags: [...meta.tags],
      stale: meta.stale,
      timestamp: meta.timestamp - clock.offset(),
      expire: meta.expire,
      revalidate,
    };
  }

  /** Buffers and stores an entry. Resolves `stored` once the first tier holds it; the returned promise ends with the store's write. */
  async function write(cacheKey: string, entry: CacheEntryLike, stored: () => void): Promise<void> {
    if (!(entry.expire > 0) || entry.revalidate === 0) {
      entry.value.cancel().catch(() => {});
      countStat(name, 'skip');
      log.debug('cache', 'not storing an uncacheable entry', {
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
        log.warnOnce(
          `oversize:${cacheKey}`,
          `not caching ${shortKey(cacheKey)}: its value is larger than maxEntryBytes (${maxEntryBytes} bytes).`,
        );
      } else {
        log.debug('cache', 'not storing a failed stream', { key: shortKey(cacheKey) });
      }
      return;
    }
    await clock.ensure();
    const entryToStore: StoredEntry = {
      meta: {
        tags: [...entry.tags],
        timestamp: entry.timestamp + clock.offset(),
        revalidate: entry.revalidate,
        expire: entry.expire,
        stale: entry.stale,
      },
      bytes: read.bytes,
    };
    const ttl = Math.ceil(entryToStore.meta.timestamp + Math.min(entry.expire * 1000, maxTtlMs) - clock.now());
    if (ttl <= 0) {
      countStat(name, 'skip');
      return;
    }
    remember(cacheKey, entryToStore);
    lease.release(cacheKey);
    stored();
    if (!remoteEntries) {
      countStat(name, 'set');
      return;
    }
    const keys = storeKeys(cacheKey);
    try {
      await store.set(keys.entry, encodeEntry(entryToStore), ttl);
      countStat(name, 'set');
      log.debug('cache', 'stored', { key: shortKey(cacheKey), hash: keys.hash, bytes: read.bytes.byteLength, ttl });
    } catch {
      // Kept in the first tier (if any); the next instance renders its own.
    }
  }

  return {
    store,
    async get(cacheKey, softTags = []) {
      try {
        await pending.of(cacheKey);
        await clock.ensure();
        const found = await lookup(cacheKey, softTags);
        if (found) return await answer(cacheKey, found);
        countStat(name, 'miss');
        log.debug('cache', 'miss', { key: shortKey(cacheKey) });
        return undefined;
      } catch (error) {
        countStat(name, 'miss');
        log.debug('cache', 'get failed; treating as a miss', { key: shortKey(cacheKey), error: String(error) });
        return undefined;
      }
    },
    async set(cacheKey, pendingEntry) {
      const release = pending.begin(cacheKey);
      try {
        await write(cacheKey, await pendingEntry, release);
      } catch (error) {
        countStat(name, 'skip');
        log.debug('cache', 'set failed', { key: shortKey(cacheKey), error: String(error) });
      } finally {
        release();
        lock?.release(cacheKey);
      }
    },
    refreshTags: () => tier.refresh(),
    async getExpiration() {
      return Number.POSITIVE_INFINITY;
    },
    async updateTags(tagList, durations, callOptions) {
      try {
        return await tags.invalidate(tagList, durations, callOptions);
      } catch (error) {
        log.debug('cache', 'updateTags failed', { error: String(error) });
        return { recorded: false, entries: [] };
      }
    },
    pendingInvalidations: () => tags.pending(),
    flush: (timeoutMs) => tags.flush(timeoutMs),
    close: () => tier.close(),
  };
}
