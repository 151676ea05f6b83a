/**
 * The store contract: the few operations the cache handler, the tag system,
 * the stampede lock and the webhook's replay guard need. Values are text
 * (binary is base64-encoded by the caller: the Upstash client mangles bytes).
 * Every store passes the one conformance suite in test/stores/.
 *
 * Units: TTLs, times and durations are milliseconds; times are on the store's
 * clock (Redis `TIME`), so every instance compares them on one clock.
 *
 * Keys are the caller's: a store prepends its prefix and nothing else. A key's
 * `{hash tag}` decides its Redis Cluster slot, so keys that one call must
 * touch together (an entry and its lock) share one; a store splits a
 * multi-key call per slot where it has to (`getMany`, `delete`).
 */
import type { TagRecord } from './tag-record.ts';

export interface ViewletStore {
  /** Short name for logs and stats: 'memory', 'redis', 'redis-cluster', 'upstash'. */
  readonly name: string;
  /** True when the store is shared between processes (redis, upstash); false for memory. */
  readonly shared: boolean;

  /** Values of `keys`, in order, `null` where absent or expired. One round trip per slot, issued together. */
  getMany(keys: readonly string[]): Promise<(string | null)[]>;

  /** Sets `key` to `value`, expiring after `ttlMs` (> 0). */
  set(key: string, value: string, ttlMs: number): Promise<void>;

  /**
   * Sets `key` only if it is absent (SET NX). Returns `true` when it was set;
   * otherwise the value that is there now (or `null` if it vanished meanwhile).
   */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<true | string | null>;

  /** Deletes `key` only if its value is `value` (compare-and-delete). Returns whether it deleted. */
  deleteIfEquals(key: string, value: string): Promise<boolean>;

  /** Deletes keys (absent keys are fine). */
  delete(keys: readonly string[]): Promise<void>;

  /** The store's clock, ms since the epoch. */
  time(): Promise<number>;

  /**
   * The records of `tags`, in order; `null` for a tag never invalidated (or whose
   * record expired). One round trip. The source of truth for invalidations older
   * than the journal.
   */
  getTagRecords(tags: readonly string[]): Promise<(TagRecord | null)[]>;

  /**
   * Records an invalidation of `tags` now, on the store's clock: each tag's record
   * is merged with it (`mergeTagRecord`) and the merged record is appended to the
   * journal, all in one atomic step per call, so no reader sees a record without
   * its journal entry. Returns the journal entries written, in the order of `tags`
   * (duplicates removed). Resolving means the store has taken it.
   */
  invalidate(tags: readonly string[], options: InvalidateOptions): Promise<JournalEntry[]>;

  /**
   * The journal after `cursor`: invalidations appended since, oldest first, at
   * most `limit`. Without a cursor: no entries, and the cursor of the journal's
   * end (a new reader starts there). One round trip.
   */
  readJournal(cursor: string | undefined, limit?: number): Promise<JournalRead>;

  /**
   * Connects a store that connects on first use (its first call does it too) and
   * resolves once it takes commands: the client imported, the socket up, a
   * cluster's topology known. The cache gives this first connection a deadline
   * of its own (`openTimeoutMs`); calls made meanwhile wait for it.
   */
  open?(): Promise<void>;

  /** Releases connections. The store must not be used afterwards. */
  close(): Promise<void>;
}

export interface InvalidateOptions {
  /**
   * How long until entries generated before now turn from stale into expired, in
   * ms: `0` = expired now (hard), a positive number = stale until then (soft),
   * `undefined` = stale until they are re-rendered (soft, `revalidateTag(t, 'max')`).
   */
  expireInMs: number | undefined;
  /** How long the tag records live, in ms (longer than any entry can). */
  recordTtlMs: number;
}

/** One invalidation as the journal holds it: the tag and its record after the merge. */
export interface JournalEntry {
  /**
   * Position in the journal; entries are ordered by it. Opaque, and only meaningful
   * to the store (and prefix) that gave it out: a Redis Stream id on the Redis stores.
   */
  cursor: string;
  tag: string;
  record: TagRecord;
}

export interface JournalRead {
  /** Where the next read continues: the last entry's cursor, or the one passed in when there is none. */
  cursor: string;
  entries: JournalEntry[];
  /** More entries follow `cursor` than `limit` let through. */
  more: boolean;
  /**
   * Entries after the given cursor may have been trimmed (the reader fell behind
   * the journal's retention) or lost (the journal was deleted or expired since the
   * cursor was given out): re-read the records of every tag you hold; the journal
   * is complete only from `coveredSince` on.
   */
  gap: boolean;
  /** The journal holds every invalidation made at or after this time (store clock, ms). */
  coveredSince: number;
  /** The store's time when it answered, in ms. */
  now: number;
}

/** Default `limit` of `readJournal`. */
export const JOURNAL_READ_LIMIT = 1000;
