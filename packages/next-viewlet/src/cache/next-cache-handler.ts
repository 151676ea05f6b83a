/**
 * next-viewlet's cache handler for Next's `cacheHandlers` (`'use cache'` and
 * `'use cache: remote'`). Next loads this file with `import()`, unbundled, so
 * it must stay plain JavaScript after `tsc`; `withViewlets()` wires it in.
 *
 * The default export picks its store from the environment (see
 * `storeFromEnv`): memory by default, Redis with `REDIS_URL`, Upstash with
 * `UPSTASH_REDIS_REST_URL`/`_TOKEN`. The configuration is validated when this
 * module is imported, so a wrong one fails at start-up with a message that
 * says what to fix; nothing connects before the first cache call.
 */
import type { CacheEntry, CacheHandler } from 'next/cache';
import { getProcessStore, resolveStoreConfig } from '../stores/from-env.ts';
import type { ViewletStore } from '../stores/types.ts';
import { countStoredBytes, noteCacheRead } from '../metrics/cache-handler-metrics.ts';
import { registerBreaker } from '../metrics/metrics-registry.ts';
import { createCacheCore, type CacheCore, type CacheCoreOptions } from './cache-core.ts';

export { stats, resetStats, type StoreStats } from './cache-stats.ts';

export interface CacheHandlerOptions extends Omit<CacheCoreOptions, 'store'> {
  /** The store, or a function creating it on first use. Default: the process-wide store from env (`getProcessStore()`). */
  store?: ViewletStore | (() => ViewletStore);
}

/** A Next cache handler with a `close()` (for tests and custom servers). */
export interface ViewletCacheHandler extends CacheHandler {
  /** Closes the handler's store, unless it is the process-wide one (`getProcessStore()`), which others share. */
  close(): Promise<void>;
}

/** Creates a cache handler. The store is created on the first call, never at import. */
export function createCacheHandler(options: CacheHandlerOptions = {}): ViewletCacheHandler {
  const { store, ...coreOptions } = options;
  let core: CacheCore | undefined;
  let processStore = false;
  const use = () => {
    if (!core) {
      processStore = store === undefined;
      const resolved = typeof store === 'function' ? store() : (store ?? getProcessStore());
      const created = createCacheCore({ ...coreOptions, store: resolved });
      registerBreaker(created.store.name, () => created.store.breaker.state);
      core = created;
    }
    return core;
  };
  // A throw from get/refreshTags fails the render; every path below degrades instead.
  return {
    async get(cacheKey, softTags) {
      let entry: CacheEntry | undefined;
      try {
        entry = (await use().get(cacheKey, softTags)) as CacheEntry | undefined;
      } catch {
        entry = undefined;
      }
      noteCacheRead(entry);
      return entry;
    },
    async set(cacheKey, pendingEntry) {
      let core: CacheCore;
      try {
        core = use();
      } catch {
        return;
      }
      await core.set(cacheKey, countStoredBytes(core.store.name, pendingEntry));
    },
    async refreshTags() {
      try {
        await use().refreshTags();
      } catch {
        // no store: nothing to refresh
      }
    },
    async getExpiration(tags) {
      try {
        return await use().getExpiration(tags);
      } catch {
        return Number.POSITIVE_INFINITY;
      }
    },
    async updateTags(tags, durations) {
      try {
        await use().updateTags(tags, durations);
      } catch {
        // logged by the core
      }
    },
    async close() {
      // The process-wide store is shared (the webhook's replay guard uses it): leave it open.
      if (core && !processStore) await core.close();
    },
  };
}

// Fail at start-up on an invalid configuration (bad URL scheme, URL without token...).
const { timeoutMs } = resolveStoreConfig(process.env);

const handler: ViewletCacheHandler = createCacheHandler(timeoutMs === undefined ? {} : { timeoutMs });
export default handler;
