/**
 * Tags as invalidation timestamps: one store key per tag, `tag:<tag>`, holding
 * when it was last invalidated and when that invalidation turns from "stale"
 * into "expired". Never a scan, never an index; each record has its own TTL
 * (longer than any entry can live), so old tags clean themselves up.
 *
 * An entry is judged against its tags by the time its generation STARTED, so
 * an invalidation that lands during a render still counts. A soft invalidation
 * (`revalidateTag(t, 'max')`) makes older entries stale (served while Next
 * re-renders them) and only expired once its own expiry has passed; a hard one
 * (`updateTag`, `{ expire: 0 }`) expires them at once.
 *
 * Records this process has seen are kept in memory (bounded LRU) and refreshed
 * with one `getMany` per `refresh()`, so other instances' invalidations are
 * seen at the next request.
 */
import { LRUCache } from 'lru-cache';
import {
  mergeTagRecord,
  NEVER_INVALIDATED,
  parseTagRecord,
  type Freshness,
  type TagRecord,
  tagFreshness,
  unionTagRecords,
} from '../stores/tag-record.ts';
import type { ViewletStore } from '../stores/types.ts';
import { debugLog, warnOnce } from '../util/log.ts';
import { createSingleFlight } from './single-flight.ts';
import type { StoreClock } from './store-clock.ts';

export const tagKey = (tag: string) => `tag:${tag}`;

export interface TagSystemOptions {
  store: ViewletStore;
  clock: StoreClock;
  /** How long a tag record is kept, in ms: longer than any entry lives. */
  recordTtlMs: number;
  /** Most tag records kept in memory. Default 10000. */
  maxKnownTags?: number;
  /** `refresh()` does nothing when the last one was less than this many ms ago. Default 0 (every call). */
  refreshIntervalMs?: number;
}

export interface TagSystem {
  /** Tags of `tags` this process holds no record for. */
  unknown(tags: readonly string[]): string[];
  /** Records what the store returned for `tags` (a `getMany` of their `tagKey`s). */
  remember(tags: readonly string[], values: readonly (string | null)[]): void;
  /** Fetches the records of unknown tags in one `getMany`. On failure they stay unknown (judged fresh). */
  load(tags: readonly string[]): Promise<void>;
  /** The worst judgement of `tags` on an entry generated at `generatedAt`. Unknown tags count as never invalidated. */
  freshness(tags: readonly string[], generatedAt: number, now: number): Freshness;
  /** Re-reads every known record in one `getMany` (throttled by `refreshIntervalMs`). Throws on store failure. */
  refresh(): Promise<void>;
  /** Invalidates `tags` now: hard without `durations`, soft (expiring after `durations.expire` s, if given) with them. */
  invalidate(tags: readonly string[], durations?: { expire?: number }): Promise<void>;
}

export function createTagSystem(options: TagSystemOptions): TagSystem {
  const { store, clock, recordTtlMs } = options;
  const interval = options.refreshIntervalMs ?? 0;
  const maxKnown = options.maxKnownTags ?? 10_000;
  // Holders are mutated in place so a refresh does not reorder the LRU. `text`:
  // the store's value last read, so an unchanged record is not parsed again.
  const known = new LRUCache<string, { record: TagRecord; text: string | null }>({ max: maxKnown });
  // Invalidations the store did not take (it was down): honoured here, written again by the next refresh.
  const unsynced = new Map<string, TagRecord>();
  const flight = createSingleFlight<void>();
  let lastRefresh = Number.NEGATIVE_INFINITY;

  // Invalidations only accumulate: a read that left the store before one of ours
  // landed (a refresh racing updateTags) never takes it back here.
  const remember = (tags: readonly string[], values: readonly (string | null)[]) => {
    const now = clock.now();
    tags.forEach((tag, i) => {
      const text = values[i] ?? null;
      const holder = known.peek(tag);
      if (holder?.text === text) return;
      let record = unionTagRecords(parseTagRecord(text), holder?.record, now);
      const local = unsynced.get(tag);
      if (local) record = unionTagRecords(record, local, now);
      if (holder) Object.assign(holder, { record, text });
      else known.set(tag, { record, text });
    });
  };
  const unknown = (tags: readonly string[]) => [...new Set(tags)].filter((tag) => !known.has(tag));
  const write = async (tags: readonly string[], records: readonly TagRecord[]) => {
    const results = await Promise.allSettled(records.map((record, i) => store.set(tagKey(tags[i]!), JSON.stringify(record), recordTtlMs)));
    return tags.filter((_, i) => results[i]!.status === 'rejected');
  };
  const replay = async () => {
    const tags = [...unsynced.keys()];
    const failed = new Set(
      await write(
        tags,
        tags.map((tag) => known.peek(tag)?.record ?? unsynced.get(tag)!),
      ),
    );
    for (const tag of tags) if (!failed.has(tag)) unsynced.delete(tag);
    if (failed.size < tags.length)
      debugLog('tags', 'wrote invalidations the store had missed', { tags: tags.filter((t) => !failed.has(t)) });
  };

  return {
    unknown,
    remember,
    async load(tags) {
      const missing = unknown(tags);
      if (missing.length === 0) return;
      try {
        remember(missing, await store.getMany(missing.map(tagKey)));
      } catch {
        // Unknown tags count as never invalidated; the next load or refresh tries again.
      }
    },
    freshness(tags, generatedAt, now) {
      let result: Freshness = 'fresh';
      for (const tag of tags) {
        const state = tagFreshness(known.get(tag)?.record, generatedAt, now);
        if (state === 'expired') return state;
        if (state === 'stale') result = state;
      }
      return result;
    },
    refresh() {
      return flight('refresh', async () => {
        if (known.size === 0 || Date.now() - lastRefresh < interval) return;
        const tags = [...known.keys()];
        remember(tags, await store.getMany(tags.map(tagKey)));
        lastRefresh = Date.now();
        // In the background: refreshTags stays one round trip.
        if (unsynced.size > 0) replay().catch(() => {});
      });
    },
    async invalidate(tags, durations) {
      const unique = [...new Set(tags)];
      if (unique.length === 0) return;
      await clock.ensure();
      const now = clock.now();
      const expireAt = durations === undefined ? now : durations.expire === undefined ? undefined : now + durations.expire * 1000;
      let previous: TagRecord[];
      try {
        previous = (await store.getMany(unique.map(tagKey))).map(parseTagRecord);
      } catch {
        previous = unique.map((tag) => known.get(tag)?.record ?? NEVER_INVALIDATED);
      }
      const records = unique.map((_, i) => mergeTagRecord(previous[i], now, expireAt));
      // This process honours the invalidation at once, whatever the store says.
      remember(
        unique,
        records.map((record) => JSON.stringify(record)),
      );
      const failed = await write(unique, records);
      for (const tag of failed) {
        if (unsynced.size >= maxKnown) unsynced.delete(unsynced.keys().next().value!);
        unsynced.set(tag, records[unique.indexOf(tag)]!);
      }
      if (failed.length > 0) {
        warnOnce(
          `invalidate:${store.name}`,
          `${failed.length} tag invalidation(s) could not be written to the "${store.name}" store; this instance honours them and writes them again once the store answers.`,
        );
      }
      debugLog('tags', expireAt !== undefined && expireAt <= now ? 'expired' : 'marked stale', { tags: unique, at: now, expireAt });
    },
  };
}
