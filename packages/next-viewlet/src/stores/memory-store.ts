/**
 * The in-process store: an LRU bounded in bytes, with per-key TTLs. The
 * embedded default when no Redis or Upstash is configured, and fine for one
 * server; every process has its own copy.
 */
import { LRUCache } from 'lru-cache';
import { ViewletError } from '../core/errors.ts';
import { assertPrefix, DEFAULT_PREFIX, ttlOf } from './store-call.ts';
import type { ViewletStore } from './types.ts';

export interface MemoryStoreOptions {
  /**
   * Upper bound of everything stored, in bytes, counted as the length of key plus
   * value (UTF-16 code units: exact for ASCII, which is what the cache stores).
   * Least recently used keys go first. Ignored with `cache`. Default 64 MiB.
   */
  maxBytes?: number;
  /** Prepended to every key, so several stores can share one `cache`. Default `'nv:'`. */
  prefix?: string;
  /** An LRU to use instead of a new one (it must allow per-key `ttl`). Default: a new LRU of `maxBytes`. */
  cache?: LRUCache<string, string>;
}

/** 64 MiB. */
export const DEFAULT_MEMORY_MAX_BYTES = 64 * 1024 * 1024;

/** Creates the in-memory store. */
export function createMemoryStore(options: MemoryStoreOptions = {}): ViewletStore {
  const prefix = assertPrefix(options.prefix ?? DEFAULT_PREFIX);
  const maxBytes = options.maxBytes ?? DEFAULT_MEMORY_MAX_BYTES;
  if (!options.cache && (!Number.isInteger(maxBytes) || maxBytes < 1)) {
    throw new ViewletError('E_STORE_CONFIG', `memory store: maxBytes must be a positive whole number of bytes, got ${maxBytes}.`);
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
  let closed = false;
  const k = (key: string) => {
    if (closed) throw new ViewletError('E_STORE_CLOSED', 'memory store: used after close(); create a new store.');
    return prefix + key;
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
      return Date.now();
    },
    async close() {
      closed = true;
      if (!options.cache) cache.clear();
    },
  };
}
