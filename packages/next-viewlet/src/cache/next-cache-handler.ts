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
import { getKindStore, preloadStoreClients, resolveStoreConfig } from '../stores/from-env.ts';
import type { ViewletStore } from '../stores/types.ts';
import { countStoredBytes, noteCacheRead } from '../metrics/cache-handler-metrics.ts';
import { registerKindStore, registerStoreProbe } from '../metrics/metrics-registry.ts';
import { type CacheCore, type CacheCoreOptions, createCacheCore } from './cache-core.ts';
import { registerHandler } from './process-handlers.ts';
import { refreshedThisRequest, refreshOncePerRequest } from './request-refresh.ts';
import { processTierFor, type SharedTier } from './shared-tier.ts';

export { resetStats, type StoreStats, stats } from './cache-stats.ts';
export { flushInvalidations, pendingInvalidations, recordInvalidation } from './process-handlers.ts';

export interface CacheHandlerOptions extends Omit<CacheCoreOptions, 'store'> {
  /**
   * The store, or a function creating it on first use. Default: the store of
   * `kind` from env (`getKindStore(kind)`), its tags judged by the process's one
   * tag store (`getTagStore()`).
   */
  store?: ViewletStore | (() => ViewletStore);
  /**
   * The cache kind this handler serves (the `cacheHandlers` key): picks its own
   * store from `VIEWLET_<KIND>_STORE_URL` when one is set. A custom kind with a
   * store of its own needs a module of its own whose default export is
   * `createCacheHandler({ kind })` (Next gives a handler no kind).
   * @default 'default'
   */
  kind?: string;
}

/** A Next cache handler with a `close()` (for tests and custom servers). */
export interface ViewletCacheHandler extends CacheHandler {
  /** Closes the handler's store, unless it is the process-wide one (`getProcessStore()`), which others share. */
  close(): Promise<void>;
}

/** Creates a cache handler. The store is created on the first call, never at import. */
export function createCacheHandler(options: CacheHandlerOptions = {}): ViewletCacheHandler {
  const { store, kind = 'default', ...coreOptions } = options;
  let core: CacheCore | undefined;
  let processStore = false;
  let sharedTier: SharedTier | undefined;
  let unregisterProbe: (() => void) | undefined;
  const use = () => {
    if (!core) {
      processStore = store === undefined;
      const resolved = typeof store === 'function' ? store() : (store ?? getKindStore(kind));
      // On the process's stores, share the tag tier (journal cursor, tag records) with the other kinds and the incremental cache handler.
      const tier = processStore ? processTierFor(kind, { ...coreOptions, timeoutMs: coreOptions.timeoutMs ?? 500 }) : undefined;
      sharedTier = tier;
      const created = createCacheCore({ ...coreOptions, store: resolved, ...(tier && { tier }) });
      core = created;
      registerKindStore(kind, created.store.name);
      unregisterProbe = registerStoreProbe(created.store.name, {
        breaker: () => created.store.breaker.state,
        pendingInvalidations: () => created.pendingInvalidations(),
      });
    }
    return core;
  };
  // Registered now, not at the first cache call: a webhook that arrives before any page
  // must find the store to record in. Nothing is created until it is used.
  let unregister: (() => void) | undefined = registerHandler({
    get name() {
      return core?.store.name ?? 'cache-handler';
    },
    // What records its invalidations: every handler judged by one tag tier is asked once.
    get tier() {
      return sharedTier?.tags;
    },
    record: (tags, durations, callOptions) => use().updateTags(tags, durations, callOptions),
    pending: () => core?.pendingInvalidations() ?? 0,
    flush: (timeoutMs) => core?.flush(timeoutMs) ?? Promise.resolve(true),
  });
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
        const core = use();
        // The incremental cache handler read this tier's journal for this request already.
        if (!sharedTier) return await core.refreshTags();
        if (await refreshedThisRequest(sharedTier)) return;
        // Each kind's handler is asked once per request: the kinds on one tag tier read its journal once.
        await refreshOncePerRequest(sharedTier, () => core.refreshTags());
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
      unregister?.();
      unregister = undefined;
      unregisterProbe?.();
      unregisterProbe = undefined;
      if (!core) return;
      await core.flush(1000);
      // The process-wide store is shared (the webhook's replay guard uses it): leave it open.
      if (!processStore) await core.close();
    },
  };
}

// Fail at start-up on an invalid configuration (bad URL scheme, URL without token...).
const config = resolveStoreConfig(process.env);
const { timeoutMs } = config;
// Import the store's client now, while nothing waits on it, not at the first cache call.
preloadStoreClients(process.env, config);

const handler: ViewletCacheHandler = createCacheHandler(timeoutMs === undefined ? {} : { timeoutMs });
/** The timeout from env, for the other kinds' handler modules (`remote-cache-handler`). */
export const envTimeoutMs: number | undefined = timeoutMs;
export default handler;
