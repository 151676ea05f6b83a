/**
 * What this process knows of tag invalidations, kept current through the
 * store's invalidation journal.
 *
 * Every invalidation is recorded in the store (a tag record, the source of
 * truth) and appended to its journal in one atomic step. `refresh()` (once per
 * request) reads only what was appended since this process's cursor: one round
 * trip whose cost does not grow with the number of tags the process has seen;
 * an empty delta is a few bytes. Tags never invalidated cost nothing.
 *
 * Coverage: from the first journal read on, every invalidation reaches this
 * process through the journal, so a tag it holds no record of cannot have been
 * invalidated after `coveredFrom`, and an entry generated after that (and after
 * the newest record it had to forget) needs no record read at all. Entries
 * older than that read the records of their unknown tags once. A process that
 * fell behind the journal's retention re-reads the records of every tag it
 * holds (one round trip) and its coverage starts where the journal's does.
 *
 * An entry is judged by the time its generation STARTED, so an invalidation
 * that lands during a render still counts. An invalidation the store could not
 * take is honoured here at once and written again with back-off until the store
 * takes it (`pending()` counts them, `flush()` tries once more before exit).
 */
import { LRUCache } from 'lru-cache';
import { type Freshness, mergeTagRecord, type TagRecord, tagFreshness, unionTagRecords } from '../stores/tag-record.ts';
import type { JournalEntry, ViewletStore } from '../stores/types.ts';
import { defaultLog, type Log } from '../util/log.ts';
import type { BatchLoad } from './batcher.ts';
import { createSingleFlight } from './single-flight.ts';
import type { StoreClock } from './store-clock.ts';

export interface TagSystemOptions {
  store: ViewletStore;
  clock: StoreClock;
  /** How long a tag record is kept, in ms: longer than any entry lives. */
  recordTtlMs: number;
  /** Reads tag records; pass a batcher so the loads of one moment share a round trip. Default: `store.getTagRecords`. */
  loadRecords?: BatchLoad<TagRecord | null>;
  /** Most tag records kept in memory. Default 10000. */
  maxKnownTags?: number;
  /** `refresh()` does nothing when the last one was less than this many ms ago. Default 0 (every call). */
  refreshIntervalMs?: number;
  /** First and longest wait before writing a missed invalidation again, in ms. Default 250 and 30000. */
  retryMs?: { first: number; max: number };
  log?: Log;
  /** The local clock, ms. Default `Date.now`. */
  now?: () => number;
}

/** How one invalidation is recorded. */
export interface InvalidateCallOptions {
  /**
   * After the store took it, the next call with the same tags and expiry within this many ms
   * (and the calls of that same event-loop turn) is answered with this outcome instead of being
   * written again: the webhook records an invalidation itself, then Next repeats it through
   * `updateTags` after the response. Default: no absorbing.
   */
  absorbRepeatMs?: number;
}

/** What `invalidate` did: `recorded` when the store took it (every instance will see it). */
export interface InvalidateOutcome {
  recorded: boolean;
  entries: JournalEntry[];
}

export interface TagSystem {
  /** Fetches the records an entry generated at `generatedAt` with these tags needs to be judged (usually none). */
  load(tags: readonly string[], generatedAt: number): Promise<void>;
  /** The worst judgement of `tags` on an entry generated at `generatedAt`. Unknown tags count as never invalidated. */
  freshness(tags: readonly string[], generatedAt: number, now: number): Freshness;
  /** Reads the journal since the cursor (throttled by `refreshIntervalMs`). Throws on store failure. */
  refresh(): Promise<void>;
  /** Invalidates `tags` now: hard without `durations`, soft (expiring after `durations.expire` s, if given) with them. */
  invalidate(tags: readonly string[], durations?: { expire?: number }, options?: InvalidateCallOptions): Promise<InvalidateOutcome>;
  /** Invalidations the store has not taken yet (written again in the background). */
  pending(): number;
  /** Writes pending invalidations now; resolves `true` when none is left, `false` after `timeoutMs`. */
  flush(timeoutMs: number): Promise<boolean>;
  /** Stops background retries. */
  close(): void;
}

/** Most journal pages one refresh reads; past that it goes on at the next refresh. */
const MAX_PAGES = 20;

type Pending = { tags: Set<string>; expireInMs: number | undefined };

export function createTagSystem(options: TagSystemOptions): TagSystem {
  const { store, clock, recordTtlMs } = options;
  const log = options.log ?? defaultLog;
  const localNow = options.now ?? Date.now;
  const interval = options.refreshIntervalMs ?? 0;
  const retry = options.retryMs ?? { first: 250, max: 30_000 };
  const loadRecords = options.loadRecords ?? ((tags: readonly string[]) => store.getTagRecords(tags));
  // Records forgotten by the LRU: an entry generated at or before the newest of
  // them may need a record read again.
  let evictedUpTo = Number.NEGATIVE_INFINITY;
  const known = new LRUCache<string, TagRecord>({
    max: options.maxKnownTags ?? 10_000,
    dispose: (record, _tag, reason) => {
      if (reason === 'evict' && Number.isFinite(record.at)) evictedUpTo = Math.max(evictedUpTo, record.at);
    },
  });
  // Until the first journal read nothing is covered: every unknown tag is read.
  let coveredFrom = Number.POSITIVE_INFINITY;
  let cursor: string | undefined;
  let lastRefresh = Number.NEGATIVE_INFINITY;
  const flight = createSingleFlight<void>();
  // Invalidations the store missed, by expiry (one store call per kind).
  const pendingByExpiry = new Map<string, Pending>();
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = retry.first;
  let closed = false;

  // Invalidations only accumulate: whatever order records are learnt in, the union keeps all.
  const remember = (tag: string, record: TagRecord | null) => {
    if (!record) return;
    const held = known.peek(tag);
    known.set(tag, held ? unionTagRecords(held, record, clock.now()) : record);
  };
  const rememberEntries = (entries: readonly JournalEntry[]) => {
    for (const entry of entries) remember(entry.tag, entry.record);
  };
  const needed = (tags: readonly string[], generatedAt: number) => {
    const floor = Math.max(coveredFrom, evictedUpTo);
    if (generatedAt > floor) return [];
    return [...new Set(tags)].filter((tag) => !known.has(tag));
  };
  const pendingCount = () => {
    let n = 0;
    for (const group of pendingByExpiry.values()) n += group.tags.size;
    return n;
  };

  const writeFlight = createSingleFlight<void>();
  const sameMoment = new Map<string, Promise<InvalidateOutcome>>();
  // Invalidations recorded with `absorbRepeatMs`: the one repeat expected of each, until when.
  const repeats = new Map<string, { until: number; outcome: InvalidateOutcome }>();
  const shareThisTurn = (key: string, outcome: Promise<InvalidateOutcome>) => {
    sameMoment.set(key, outcome);
    setImmediate(() => sameMoment.delete(key));
  };
  const writePending = () => writeFlight('pending', writeAllPending);

  async function writeAllPending(): Promise<void> {
    for (const [key, group] of [...pendingByExpiry]) {
      const tags = [...group.tags];
      const entries = await store.invalidate(tags, { expireInMs: group.expireInMs, recordTtlMs });
      rememberEntries(entries);
      for (const tag of tags) group.tags.delete(tag);
      if (group.tags.size === 0) pendingByExpiry.delete(key);
      log.debug('tags', 'wrote invalidations the store had missed', { tags });
    }
  }

  function scheduleRetry(): void {
    if (closed || retryTimer || pendingByExpiry.size === 0) return;
    const delay = Math.round(retryDelay * (0.75 + Math.random() / 2));
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      writePending().then(
        () => {
          retryDelay = retry.first;
          if (log.clearWarning(`invalidate:${store.name}`)) log.warn(`the "${store.name}" store took the invalidations it had missed.`);
        },
        () => {
          retryDelay = Math.min(retryDelay * 2, retry.max);
          scheduleRetry();
        },
      );
    }, delay);
    retryTimer.unref?.();
  }

  async function invalidateNow(unique: string[], expireInMs: number | undefined): Promise<InvalidateOutcome> {
    await clock.ensure();
    try {
      const entries = await store.invalidate(unique, { expireInMs, recordTtlMs });
      rememberEntries(entries);
      log.debug('tags', expireInMs === 0 ? 'expired' : 'marked stale', { tags: unique, expireInMs });
      return { recorded: true, entries };
    } catch {
      // This process honours it at once (on its estimate of the store's clock)
      // and writes it again until the store takes it.
      const at = clock.now();
      for (const tag of unique) remember(tag, mergeTagRecord(known.peek(tag), at, expireInMs === undefined ? undefined : at + expireInMs));
      const key = String(expireInMs);
      const group = pendingByExpiry.get(key) ?? { tags: new Set<string>(), expireInMs };
      for (const tag of unique) group.tags.add(tag);
      pendingByExpiry.set(key, group);
      log.warnOnce(
        `invalidate:${store.name}`,
        `${unique.length} tag invalidation(s) could not be written to the "${store.name}" store; this instance honours them and writes them again until the store takes them.`,
      );
      scheduleRetry();
      return { recorded: false, entries: [] };
    }
  }

  return {
    async load(tags, generatedAt) {
      const missing = needed(tags, generatedAt);
      if (missing.length === 0) return;
      try {
        const records = await loadRecords(missing);
        missing.forEach((tag, i) => {
          // "Never invalidated" is knowledge too: hold it so the tag is not read again.
          const record = records[i];
          if (record) remember(tag, record);
          else if (!known.has(tag)) known.set(tag, { at: Number.NEGATIVE_INFINITY });
        });
      } catch {
        // Unknown tags count as never invalidated; the next load tries again.
      }
    },
    freshness(tags, generatedAt, now) {
      let result: Freshness = 'fresh';
      for (const tag of tags) {
        const state = tagFreshness(known.get(tag), generatedAt, now);
        if (state === 'expired') return state;
        if (state === 'stale') result = state;
      }
      return result;
    },
    refresh() {
      return flight('refresh', async () => {
        if (localNow() - lastRefresh < interval) return;
        for (let page = 0; page < MAX_PAGES; page++) {
          const read = await store.readJournal(cursor);
          if (cursor === undefined) coveredFrom = read.now;
          else if (read.gap) {
            // Fell behind the retention: what this process holds is re-read, and
            // unknown tags are covered only from where the journal starts.
            const tags = [...known.keys()];
            const records = tags.length > 0 ? await store.getTagRecords(tags) : [];
            for (const [i, tag] of tags.entries()) remember(tag, records[i] ?? null);
            coveredFrom = Math.max(coveredFrom, read.coveredSince);
            log.debug('tags', 'fell behind the journal: re-read every tag record held', { tags: tags.length });
          }
          rememberEntries(read.entries);
          cursor = read.cursor;
          if (!read.more) break;
        }
        lastRefresh = localNow();
        if (pendingByExpiry.size > 0 && !retryTimer) writePending().catch(() => scheduleRetry());
      });
    },
    invalidate(tags, durations, options = {}) {
      const unique = [...new Set(tags)];
      if (unique.length === 0) return Promise.resolve({ recorded: true, entries: [] });
      const expireInMs = durations === undefined ? 0 : durations.expire === undefined ? undefined : Math.max(0, durations.expire * 1000);
      // Next hands one revalidateTag to every handler in the same moment (the 'use cache' and the
      // incremental one, on one tier): calls for the same invalidation before the next turn of the
      // event loop share one write. Later ones are new invalidations, with their own time.
      const key = JSON.stringify([[...unique].sort(), expireInMs ?? null]);
      const shared = sameMoment.get(key);
      if (shared) return shared;
      const repeat = repeats.get(key);
      if (repeat) {
        repeats.delete(key);
        if (repeat.until > localNow()) {
          const absorbed = Promise.resolve(repeat.outcome);
          shareThisTurn(key, absorbed);
          log.debug('tags', 'repeat of an invalidation recorded moments ago; not written again', { tags: unique });
          return absorbed;
        }
      }
      const absorbMs = options.absorbRepeatMs ?? 0;
      const outcome = invalidateNow(unique, expireInMs).then((result) => {
        if (result.recorded && absorbMs > 0) {
          for (const [other, { until }] of repeats) if (until <= localNow()) repeats.delete(other);
          repeats.set(key, { until: localNow() + absorbMs, outcome: result });
        }
        return result;
      });
      shareThisTurn(key, outcome);
      return outcome;
    },
    pending: pendingCount,
    async flush(timeoutMs) {
      if (pendingByExpiry.size === 0) return true;
      const deadline = localNow() + timeoutMs;
      while (pendingByExpiry.size > 0 && localNow() < deadline) {
        try {
          await writePending();
        } catch {
          await new Promise((resolve) => setTimeout(resolve, Math.min(retry.first, Math.max(1, deadline - localNow()))).unref?.());
        }
      }
      return pendingByExpiry.size === 0;
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      retryTimer = undefined;
    },
  };
}
