/**
 * The cache behind the incremental cache handler (Next's `cacheHandler`:
 * prerendered pages, route handler responses, `fetch`), independent of Next's
 * classes. It runs on the same shared tier as the `'use cache'` handler (one
 * guarded store, one clock, one tag system and journal cursor), so one
 * invalidation reaches every kind of entry on every instance.
 *
 * - Every read judges the entry itself, against the shared tag records and its
 *   own lifetime: Next's in-process tag check only knows this process's
 *   invalidations. Fresh → returned as is. Stale (past `revalidate`, or a tag
 *   softly invalidated) → returned so Next serves it and regenerates in the
 *   background, by one instance cluster-wide (the revalidation lease; the
 *   others serve it as fresh meanwhile). Expired (a hard invalidation, past
 *   `expire`) → a blocking regeneration (`lastModified: -1`, which keeps the
 *   old value for Next's stale-if-error) by one instance; the others wait
 *   briefly for its entry (the fill lock), as on a miss.
 * - Response entries are keyed by build id, so two builds never serve each
 *   other's pages; `fetch` entries are not (as in Next, they outlive a deploy).
 * - A response entry the store does not have is read from this instance's
 *   build output (`seed`), so the first request after a start is a hit.
 * - Values are text-safe JSON in the store, bounded by `maxEntryBytes`; an
 *   oversize entry stays in the first tier only. With an unshared (memory)
 *   store entries live in the first tier only, decoded.
 * - Store failures never escape: reads fall back to the first tier and the
 *   build output, writes to the first tier.
 */
import { LRUCache } from 'lru-cache';
import type { CacheCoreOptions } from './cache-core.ts';
import { storeKeys } from './cache-core.ts';
import { countStat } from './cache-stats.ts';
import { entryCoordination } from './entry-coordination.ts';
import { type CacheControlLike, decodeIncrementalRecord, encodeIncrementalRecord, type IncrementalRecord } from './incremental-codec.ts';
import { createSharedTier, type SharedTier } from './shared-tier.ts';
import { createSingleFlight } from './single-flight.ts';
import type { InvalidateOutcome } from './tag-system.ts';

export type IncrementalCoreOptions = Pick<
  CacheCoreOptions,
  | 'store'
  | 'tier'
  | 'timeoutMs'
  | 'writeTimeoutMs'
  | 'maxEntryBytes'
  | 'l1MaxBytes'
  | 'tagRefreshIntervalMs'
  | 'maxKnownTags'
  | 'lock'
  | 'lockLeaseMs'
  | 'lockWaitMs'
  | 'revalidateLeaseMs'
  | 'failureThreshold'
  | 'openAfterMs'
  | 'confirmTimeoutMs'
  | 'openTimeoutMs'
  | 'cooldownMs'
  | 'maxTtlSeconds'
  | 'logger'
  | 'now'
> & {
  /** Part of every response entry's key: the build id (`.next/BUILD_ID`). */
  buildId?: string | undefined;
  /** Reads a response entry from the build output (a store miss). Its `lastModified` is on the local clock. */
  seed?: ((key: string, ctx: IncrementalGetContext) => Promise<SeedEntry | undefined>) | undefined;
};

/** What Next tells `get` (response kinds: kind, isFallback, isRoutePPREnabled; FETCH: revalidate, tags, softTags). */
export interface IncrementalGetContext {
  kind: string;
  isFallback?: boolean | undefined;
  isRoutePPREnabled?: boolean | undefined;
  revalidate?: number | false | undefined;
  tags?: readonly string[] | undefined;
  softTags?: readonly string[] | undefined;
}

/** What Next tells `set` (response kinds: kind, cacheControl; FETCH: fetchCache, tags). */
export interface IncrementalSetContext {
  kind?: string | undefined;
  fetchCache?: boolean | undefined;
  cacheControl?: CacheControlLike | undefined;
  tags?: readonly string[] | undefined;
}

export interface SeedEntry {
  lastModified: number;
  value: unknown;
  cacheControl?: CacheControlLike | undefined;
}

/** Next's `CacheHandlerValue`: `lastModified` on the local clock, `-1` = regenerate now (keeping this value if that fails). */
export interface IncrementalAnswer {
  lastModified: number;
  value: unknown;
  cacheControl?: CacheControlLike | undefined;
}

export interface IncrementalCore {
  get(key: string, ctx: IncrementalGetContext): Promise<IncrementalAnswer | null>;
  set(key: string, value: unknown, ctx: IncrementalSetContext): Promise<void>;
  revalidateTag(tags: readonly string[], durations?: { expire?: number }): Promise<InvalidateOutcome>;
  /** Reads the journal (shared stores); never throws. */
  refresh(): Promise<void>;
  readonly tier: SharedTier;
  close(): Promise<void>;
}

type Verdict = 'fresh' | 'stale' | 'expired';
type Judged = { record: IncrementalRecord; verdict: Verdict; byTag: boolean };

const RESPONSE_KINDS = new Set(['APP_PAGE', 'APP_ROUTE', 'PAGES']);
const TAGS_HEADER = 'x-next-cache-tags';
/** A generation that started longer ago than this was not the one being stored (Next gave up on it). */
const MAX_RENDER_MS = 60_000;
const FAILED = Symbol('store failed');
const shortKey = (key: string) => (key.length > 100 ? `${key.slice(0, 100)}…` : key);

/** The tags a response entry carries (implicit `_N_T_` path tags and those of nested `'use cache'` calls). */
export function responseTags(value: unknown): string[] {
  const header = (value as { headers?: Record<string, unknown> } | null)?.headers?.[TAGS_HEADER];
  return typeof header === 'string' ? header.split(',').filter(Boolean) : [];
}

export function createIncrementalCore(options: IncrementalCoreOptions): IncrementalCore {
  const tier = options.tier ?? createSharedTier(options.store, { ...options, timeoutMs: options.timeoutMs ?? 500 });
  const { store, clock, tags, log, readEntries } = tier;
  const name = store.name;
  const maxEntryBytes = options.maxEntryBytes ?? 2 * 1024 * 1024;
  const maxTtlMs = (options.maxTtlSeconds ?? 31_536_000) * 1000;
  const { remoteEntries, l1Bytes, lock, lease, pending } = entryCoordination(tier, options);
  const localNow = options.now ?? Date.now;
  const buildId = options.buildId ?? 'unknown-build';

  const l1 =
    l1Bytes > 0
      ? new LRUCache<string, IncrementalRecord>({
          maxSize: l1Bytes,
          sizeCalculation: (record, key) => record.size + key.length + 256,
          perf: { now: localNow },
        })
      : undefined;
  const readFlight = createSingleFlight<IncrementalRecord | undefined | typeof FAILED>();
  // When this process started regenerating a key (store clock): the new entry is judged from then.
  const generationStarts = new LRUCache<string, number>({ max: 10_000 });
  // Values handed to Next: one coming back in `set` is Next retaining it after a failed regeneration.
  const handedOut = new WeakSet<object>();

  const isResponse = (kind: string | undefined) => kind !== undefined && RESPONSE_KINDS.has(kind);
  // Response entries belong to one build; fetch results do not (Next keeps them across deploys too).
  const scopedKey = (key: string, kind: string | undefined) => (isResponse(kind) ? `inc\0${buildId}\0${key}` : `inc\0data\0${key}`);

  function lifetimeVerdict(record: IncrementalRecord, ctx: IncrementalGetContext, now: number): Verdict {
    const age = now - record.lastModified;
    if (isResponse(ctx.kind)) {
      const { revalidate, expire } = record.cacheControl ?? { revalidate: false };
      if (typeof expire === 'number' && age >= expire * 1000) return 'expired';
      return typeof revalidate === 'number' && age > revalidate * 1000 ? 'stale' : 'fresh';
    }
    const revalidate = ctx.revalidate || (record.value as { revalidate?: number } | null)?.revalidate;
    return typeof revalidate === 'number' && age > revalidate * 1000 ? 'stale' : 'fresh';
  }

  async function judged(record: IncrementalRecord | undefined, ctx: IncrementalGetContext): Promise<Judged | undefined> {
    if (!record) return undefined;
    const all = [...record.tags, ...(ctx.tags ?? []), ...(ctx.softTags ?? [])];
    await tags.load(all, record.lastModified);
    const now = clock.now();
    const byTime = lifetimeVerdict(record, ctx, now);
    if (byTime === 'expired') return { record, verdict: 'expired', byTag: false };
    const byTags = tags.freshness(all, record.lastModified, now);
    if (byTags !== 'fresh') return { record, verdict: byTags, byTag: true };
    return { record, verdict: byTime, byTag: false };
  }

  function remember(scoped: string, record: IncrementalRecord): void {
    const expire = record.cacheControl?.expire;
    const life = Math.min(typeof expire === 'number' ? expire * 1000 : maxTtlMs, maxTtlMs);
    const ttl = record.lastModified + life - clock.now();
    if (ttl > 0) l1?.set(scoped, record, { ttl: Math.ceil(ttl) });
  }

  function readRemote(scoped: string): Promise<IncrementalRecord | undefined | typeof FAILED> {
    return readFlight(scoped, async () => {
      try {
        const [text] = await readEntries([storeKeys(scoped).entry]);
        return text ? decodeIncrementalRecord(text) : undefined;
      } catch {
        return FAILED;
      }
    });
  }

  /** The newest entry of its first tier and (when not fresh there) the store; `storeUp` false when the store failed. */
  async function lookup(scoped: string, ctx: IncrementalGetContext): Promise<{ found?: Judged; storeUp: boolean }> {
    let found = await judged(l1?.get(scoped), ctx);
    if (found?.verdict === 'fresh' || !remoteEntries) return { ...(found && { found }), storeUp: true };
    const read = await readRemote(scoped);
    const remote = read === FAILED ? undefined : await judged(read, ctx);
    if (remote && (!found || remote.record.lastModified >= found.record.lastModified)) {
      remember(scoped, remote.record);
      found = remote;
    }
    return { ...(found && { found }), storeUp: read !== FAILED };
  }

  async function fromBuild(key: string, scoped: string, ctx: IncrementalGetContext): Promise<Judged | undefined> {
    if (!options.seed || !isResponse(ctx.kind)) return undefined;
    const seeded = await options.seed(key, ctx).catch(() => undefined);
    if (!seeded) return undefined;
    const record: IncrementalRecord = {
      lastModified: seeded.lastModified + clock.offset(),
      value: seeded.value,
      tags: responseTags(seeded.value),
      size: 0,
      ...(seeded.cacheControl && { cacheControl: seeded.cacheControl }),
    };
    record.size = Buffer.byteLength(encodeIncrementalRecord(record));
    remember(scoped, record);
    log.debug('incremental', 'read from the build output', { key: shortKey(key) });
    return judged(record, ctx);
  }

  function respond(record: IncrementalRecord, lastModified: number, cacheControl = record.cacheControl): IncrementalAnswer {
    if (record.value && typeof record.value === 'object') handedOut.add(record.value);
    return {
      lastModified: lastModified === -1 ? -1 : lastModified - clock.offset(),
      value: record.value,
      ...(cacheControl && { cacheControl }),
    };
  }

  const regenerating = (scoped: string) => {
    if (!generationStarts.has(scoped)) generationStarts.set(scoped, clock.now());
  };

  /** Stale for Next, so it serves this and regenerates in the background (a soft invalidation it cannot see itself). */
  function staleForNext(found: Judged, ctx: IncrementalGetContext): IncrementalAnswer {
    const now = clock.now();
    if (!found.byTag) return respond(found.record, found.record.lastModified); // Next sees the age itself
    if (!isResponse(ctx.kind)) return respond(found.record, 1); // a fetch has no expiry: any old age is stale
    const { revalidate, expire } = found.record.cacheControl ?? { revalidate: false };
    // Old enough to be past revalidate, young enough to be before expire.
    if (typeof revalidate === 'number' && (expire === undefined || expire > revalidate + 1))
      return respond(found.record, Math.min(found.record.lastModified, now - revalidate * 1000 - 1000));
    if (expire !== undefined && expire < 3) return respond(found.record, -1);
    // Never stale by time (revalidate: false): a one-second revalidate for this answer only.
    return respond(found.record, now - 1500, { revalidate: 1, ...(expire !== undefined && { expire }) });
  }

  /** A miss or an expired entry: one instance regenerates; the others wait briefly for its entry. */
  async function regenerateOnce(key: string, scoped: string, ctx: IncrementalGetContext, previous: Judged | undefined, storeUp: boolean) {
    if (lock && storeUp) {
      const keys = storeKeys(scoped);
      const theirs = await lock.claimOrWait(scoped, keys, async (text) => {
        const candidate = await judged(text ? decodeIncrementalRecord(text) : undefined, ctx);
        if (!candidate || candidate.verdict === 'expired') return undefined;
        if (previous && candidate.record.lastModified <= previous.record.lastModified) return undefined;
        return candidate;
      });
      if (theirs) {
        remember(scoped, theirs.record);
        countStat(name, 'hit');
        log.debug('incremental', 'took the entry another instance regenerated', { key: shortKey(key) });
        return respond(theirs.record, theirs.record.lastModified);
      }
    }
    regenerating(scoped);
    if (previous && isResponse(ctx.kind)) {
      countStat(name, 'stale');
      log.debug('incremental', 'expired: regenerating now', { key: shortKey(key), byTag: previous.byTag });
      return respond(previous.record, -1);
    }
    countStat(name, 'miss');
    log.debug('incremental', previous ? 'expired' : 'miss', { key: shortKey(key) });
    return null;
  }

  async function get(key: string, ctx: IncrementalGetContext): Promise<IncrementalAnswer | null> {
    const scoped = scopedKey(key, ctx.kind);
    await pending.of(scoped);
    await clock.ensure();
    let { found, storeUp } = await lookup(scoped, ctx);
    found ??= await fromBuild(key, scoped, ctx);
    if (!found || found.verdict === 'expired') return regenerateOnce(key, scoped, ctx, found, storeUp);
    if (found.verdict === 'fresh') {
      countStat(name, 'hit');
      return respond(found.record, found.record.lastModified);
    }
    countStat(name, 'stale');
    const claim = await lease.claim(scoped, storeKeys(scoped).lease);
    if (!claim.mine) {
      // Another instance regenerates it: fresh for Next here, so no second regeneration starts.
      log.debug('incremental', 'stale, regenerated elsewhere', { key: shortKey(key) });
      return respond(found.record, clock.now());
    }
    regenerating(scoped);
    log.debug('incremental', found.byTag ? 'stale (tag)' : 'stale (time)', { key: shortKey(key) });
    return staleForNext(found, ctx);
  }

  /** Stores an entry; `stored` once the first tier holds it (a read of the key waits for that, not for the store). */
  async function write(key: string, scoped: string, value: unknown, ctx: IncrementalSetContext, stored: () => void): Promise<void> {
    await clock.ensure();
    const now = clock.now();
    const started = generationStarts.get(scoped);
    generationStarts.delete(scoped);
    // Next re-stores the value it was given after a failed regeneration (with a short revalidate):
    // kept here as Next's back-off, not shared: other instances judge the old entry themselves.
    const retained = value !== null && typeof value === 'object' && handedOut.has(value);
    const kind = ctx.kind ?? (ctx.fetchCache ? 'FETCH' : undefined);
    const record: IncrementalRecord = {
      lastModified: !retained && started !== undefined && now - started < MAX_RENDER_MS ? started : now,
      value,
      tags: isResponse(kind) ? responseTags(value) : [...(ctx.tags ?? [])],
      size: 0,
      ...(ctx.cacheControl && { cacheControl: ctx.cacheControl }),
    };
    const text = encodeIncrementalRecord(record);
    record.size = Buffer.byteLength(text);
    remember(scoped, record);
    stored();
    if (retained) {
      log.debug('incremental', 'regeneration failed: serving the previous entry a little longer', { key: shortKey(key) });
      return;
    }
    lease.release(scoped);
    if (!remoteEntries || value === null) {
      countStat(name, 'set');
      return;
    }
    if (record.size > maxEntryBytes) {
      countStat(name, 'skip');
      log.warnOnce(
        `oversize:${key}`,
        `${shortKey(key)} is larger than maxEntryBytes (${maxEntryBytes} bytes): kept in this instance's memory only, not in the shared store.`,
      );
      return;
    }
    const expire = record.cacheControl?.expire;
    const ttl = Math.ceil(record.lastModified + Math.min(typeof expire === 'number' ? expire * 1000 : maxTtlMs, maxTtlMs) - now);
    if (ttl <= 0) return;
    try {
      await store.set(storeKeys(scoped).entry, text, ttl);
      countStat(name, 'set');
      log.debug('incremental', 'stored', { key: shortKey(key), bytes: record.size, ttl });
    } catch {
      // Kept in the first tier; the next instance regenerates its own.
    }
  }

  return {
    tier,
    async get(key, ctx) {
      try {
        return await get(key, ctx);
      } catch (error) {
        countStat(name, 'miss');
        log.debug('incremental', 'get failed; treating as a miss', { key: shortKey(key), error: String(error) });
        return null;
      }
    },
    async set(key, value, ctx) {
      const scoped = scopedKey(key, ctx.kind ?? (ctx.fetchCache ? 'FETCH' : undefined));
      const release = pending.begin(scoped);
      try {
        await write(key, scoped, value, ctx, release);
      } catch (error) {
        countStat(name, 'skip');
        log.debug('incremental', 'set failed', { key: shortKey(key), error: String(error) });
      } finally {
        release();
        lock?.release(scoped);
      }
    },
    async revalidateTag(tagList, durations) {
      try {
        return await tags.invalidate(tagList, durations);
      } catch (error) {
        log.debug('incremental', 'revalidateTag failed', { error: String(error) });
        return { recorded: false, entries: [] };
      }
    },
    refresh: () => tier.refresh(),
    close: () => tier.close(),
  };
}
