/**
 * The in-process store: an LRU bounded in bytes, with per-key TTLs. The
 * embedded default when no Redis or Upstash is configured, and fine for one
 * server; every process has its own copy. Tag records and the journal live
 * beside it in process (bounded by count), merged with the same
 * `mergeTagRecord` the Redis stores run in Lua.
 */
import { LRUCache } from 'lru-cache';
import { ViewletError } from '../core/errors.ts';
import { assertJournalOptions, assertPrefix, DEFAULT_PREFIX, type JournalOptions, ttlOf } from './store-call.ts';
import { mergeTagRecord, type TagRecord } from './tag-record.ts';
import { JOURNAL_READ_LIMIT, type JournalEntry, type ViewletStore } from './types.ts';

export interface MemoryStoreOptions extends JournalOptions {
  /**
   * Upper bound of everything stored, in bytes, counted as the length of key plus
   * value (UTF-16 code units: exact for ASCII, which is what the cache stores).
   * Least recently used keys go first. Ignored with `cache`.
   * @default 67108864 (64 MiB)
   */
  maxBytes?: number;
  /**
   * Prepended to every key, so several stores can share one `cache`.
   * @default 'nv:'
   */
  prefix?: string;
  /** An LRU to use instead of a new one (it must allow per-key `ttl`). Default: a new LRU of `maxBytes`. */
  cache?: LRUCache<string, string>;
  /**
   * Most tag records kept; the least recently invalidated go first.
   * @default 100000
   */
  maxTagRecords?: number;
  /** The clock, ms since the epoch. For tests. @default Date.now */
  now?: () => number;
}

/** 64 MiB. */
export const DEFAULT_MEMORY_MAX_BYTES = 64 * 1024 * 1024;

/** Creates the in-memory store. */
export function createMemoryStore(options: MemoryStoreOptions = {}): ViewletStore {
  const prefix = assertPrefix(options.prefix ?? DEFAULT_PREFIX);
  const { maxLength, retentionMs } = assertJournalOptions(options);
  const now = options.now ?? Date.now;
  const maxBytes = options.maxBytes ?? DEFAULT_MEMORY_MAX_BYTES;
  if (!options.cache && (!Number.isInteger(maxBytes) || maxBytes < 1)) {
    throw new ViewletError('E_STORE_CONFIG', `memory store: maxBytes must be a positive whole number of bytes, got ${maxBytes}.`);
  }
  const maxTagRecords = options.maxTagRecords ?? 100_000;
  if (!Number.isInteger(maxTagRecords) || maxTagRecords < 1) {
    throw new ViewletError('E_STORE_CONFIG', `memory store: maxTagRecords must be a positive whole number, got ${maxTagRecords}.`);
  }
  const cache =
    options.cache ??
    new LRUCache<string, string>({
      maxSize: maxBytes,
      sizeCalculation: (value, key) => Math.max(1, key.length + value.length),
      // Expired keys are dropped when read; the size bound evicts the rest.
      ttlAutopurge: false,
      allowStale: false,
    });
  const records = new LRUCache<string, TagRecord>({ max: maxTagRecords, ttlAutopurge: false, allowStale: false, perf: { now } });
  // The journal: entries in order, numbered by `seq`; `trimmedUpTo` is the newest
  // seq dropped (a reader at or past it has missed nothing), `coveredSince` the
  // time from which every invalidation is still held.
  const journal: JournalEntry[] = [];
  let seq = 0;
  let trimmedUpTo = 0;
  let coveredSince = now();
  let closed = false;
  const k = (key: string) => {
    if (closed) throw new ViewletError('E_STORE_CLOSED', 'memory store: used after close(); create a new store.');
    return prefix + key;
  };
  const seqOf = (cursor: string) => {
    const n = Number(cursor);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new ViewletError('E_STORE_FAILED', `memory store: ${JSON.stringify(cursor)} is not a journal cursor.`);
    return n;
  };
  const trim = (at: number) => {
    let drop = 0;
    while (drop < journal.length && (journal.length - drop > maxLength || journal[drop]!.record.at < at - retentionMs)) drop++;
    if (drop === 0) return;
    const dropped = journal.splice(0, drop);
    trimmedUpTo = seqOf(dropped[dropped.length - 1]!.cursor);
    coveredSince = dropped[dropped.length - 1]!.record.at + 1;
  };

  return {
    name: 'memory',
    shared: false,
    async getMany(keys) {
      return keys.map((key) => cache.get(k(key)) ?? null);
    },
    async set(key, value, ttlMs) {
      cache.set(k(key), value, { ttl: ttlOf(ttlMs) });
    },
    async setIfAbsent(key, value, ttlMs) {
      const full = k(key);
      const existing = cache.get(full);
      if (existing !== undefined) return existing;
      cache.set(full, value, { ttl: ttlOf(ttlMs) });
      // A value larger than the whole cache is refused by the LRU: report it as vanished.
      return cache.has(full) ? true : null;
    },
    async deleteIfEquals(key, value) {
      const full = k(key);
      if (cache.get(full) !== value) return false;
      return cache.delete(full);
    },
    async delete(keys) {
      for (const key of keys) cache.delete(k(key));
    },
    async time() {
      k('');
      return now();
    },
    async getTagRecords(tags) {
      k('');
      return tags.map((tag) => records.get(tag) ?? null);
    },
    async invalidate(tags, { expireInMs, recordTtlMs }) {
      k('');
      const at = now();
      const ttl = ttlOf(recordTtlMs);
      const written: JournalEntry[] = [];
      for (const tag of new Set(tags)) {
        const record = mergeTagRecord(records.get(tag), at, expireInMs === undefined ? undefined : at + expireInMs);
        records.set(tag, record, { ttl });
        seq += 1;
        const entry = { cursor: String(seq), tag, record };
        journal.push(entry);
        written.push(entry);
      }
      trim(at);
      return written;
    },
    async readJournal(cursor, limit = JOURNAL_READ_LIMIT) {
      k('');
      const at = now();
      if (cursor === undefined) return { cursor: String(seq), entries: [], more: false, gap: false, coveredSince, now: at };
      const after = seqOf(cursor);
      const start = journal.findIndex((entry) => seqOf(entry.cursor) > after);
      const pending = start < 0 ? [] : journal.slice(start);
      const entries = pending.slice(0, Math.max(1, limit));
      return {
        cursor: entries.length > 0 ? entries[entries.length - 1]!.cursor : cursor,
        entries,
        more: pending.length > entries.length,
        gap: after < trimmedUpTo,
        coveredSince,
        now: at,
      };
    },
    async close() {
      closed = true;
      if (!options.cache) cache.clear();
      records.clear();
      journal.length = 0;
    },
  };
}
