/**
 * next-viewlet's incremental cache handler for Next's `cacheHandler`
 * (singular): prerendered pages, ISR, route handler responses and `fetch`
 * results, on the same store, tag records and journal as the `'use cache'`
 * handler, so one `revalidateTag` reaches every page on every instance. Next
 * loads this file with `import()`, unbundled, and builds a new instance of the
 * default export for every request: state lives in the module (one core per
 * build directory), the instances are thin. `withViewlets()` wires it in.
 *
 * The default export picks its store from the environment, as the `'use cache'`
 * handler does (`storeFromEnv`), and shares that handler's tier of it.
 */
import type { ViewletStore } from '../stores/types.ts';
import { getProcessStore, preloadStoreClients, resolveStoreConfig } from '../stores/from-env.ts';
import { buildOutput, readBuildId } from './build-output.ts';
import {
  createIncrementalCore,
  type IncrementalAnswer,
  type IncrementalCore,
  type IncrementalCoreOptions,
  type IncrementalGetContext,
  type IncrementalSetContext,
} from './incremental-core.ts';
import { registerHandler } from './process-handlers.ts';
import { markLookupRefresh } from './request-refresh.ts';
import { processTierFor, sharedTierFor } from './shared-tier.ts';

export interface IncrementalCacheHandlerOptions extends Omit<IncrementalCoreOptions, 'store' | 'tier' | 'buildId' | 'seed'> {
  /** The store, or a function creating it on first use. Default: the process-wide store from env (`getProcessStore()`). */
  store?: ViewletStore | (() => ViewletStore);
  /**
   * Serve prerendered pages and route responses from this instance's build output
   * (`.next/server/app`) when the store has no newer generation of them.
   * @default true
   */
  buildOutput?: boolean;
}

/** What Next passes to the constructor (only the fields this handler reads). */
export interface IncrementalHandlerContext {
  serverDistDir?: string;
  [field: string]: unknown;
}

/** Next's incremental `CacheHandler`, structurally. */
export interface ViewletIncrementalCache {
  get(key: string, ctx: IncrementalGetContext): Promise<IncrementalAnswer | null>;
  set(key: string, data: unknown, ctx: IncrementalSetContext): Promise<void>;
  revalidateTag(tags: string | string[], durations?: { expire?: number }): Promise<void>;
  resetRequestCache(): void;
}

/** The class Next instantiates, plus `close()` of everything its instances shared (tests, custom servers). */
export interface ViewletIncrementalCacheClass {
  new (ctx?: IncrementalHandlerContext): ViewletIncrementalCache;
  /** Flushes pending invalidations; closes the store unless it is the process-wide one. */
  close(): Promise<void>;
}

/** Creates the handler class. Nothing connects before the first cache call. */
export function createIncrementalCacheHandler(options: IncrementalCacheHandlerOptions = {}): ViewletIncrementalCacheClass {
  const { store: storeOption, buildOutput: readBuild = true, ...coreOptions } = options;
  // One core per build directory (a process serves one build; tests may use several).
  const cores = new Map<string, IncrementalCore>();
  const unregister: (() => void)[] = [];
  let resolvedStore: ViewletStore | undefined;
  let processStore = false;

  const coreFor = (serverDistDir: string | undefined): IncrementalCore => {
    const dir = serverDistDir ?? '';
    let core = cores.get(dir);
    if (core) return core;
    if (!resolvedStore) {
      processStore = storeOption === undefined;
      resolvedStore = typeof storeOption === 'function' ? storeOption() : (storeOption ?? getProcessStore());
    }
    // On the process store: the 'default' kind's tier (one journal cursor, one set of tag records for every kind).
    const tierOptions = { ...coreOptions, timeoutMs: coreOptions.timeoutMs ?? 500 };
    const tier = processStore ? processTierFor('default', tierOptions) : sharedTierFor(resolvedStore, tierOptions);
    const output = readBuild && serverDistDir ? buildOutput(serverDistDir) : undefined;
    const created = createIncrementalCore({
      ...coreOptions,
      store: resolvedStore,
      tier,
      buildId: readBuildId(serverDistDir),
      ...(output && { seed: (key: string, ctx: IncrementalGetContext) => output.read(key, ctx) }),
    });
    core = created;
    cores.set(dir, created);
    unregister.push(
      registerHandler({
        name: created.tier.store.name,
        tier: created.tier.tags,
        record: (tags, durations, options) => created.tier.tags.invalidate(tags, durations, options),
        pending: () => created.tier.tags.pending(),
        flush: (timeoutMs) => created.tier.tags.flush(timeoutMs),
      }),
    );
    return created;
  };

  class Handler implements ViewletIncrementalCache {
    readonly #serverDistDir: string | undefined;
    #refreshed: Promise<void> | undefined;

    constructor(ctx: IncrementalHandlerContext = {}) {
      this.#serverDistDir = typeof ctx.serverDistDir === 'string' ? ctx.serverDistDir : undefined;
    }

    #core(): IncrementalCore | undefined {
      try {
        return coreFor(this.#serverDistDir);
      } catch {
        return undefined; // no store could be created: Next renders without a cache
      }
    }

    // A throw from get fails the render: every path degrades to a miss instead.
    async get(key: string, ctx: IncrementalGetContext): Promise<IncrementalAnswer | null> {
      const core = this.#core();
      if (!core) return null;
      if (!this.#refreshed) {
        // Once per request (Next builds one instance per request), before any 'use cache' read.
        this.#refreshed = core.refresh();
        markLookupRefresh(key, core.tier, this.#refreshed);
      }
      await this.#refreshed;
      return core.get(key, ctx ?? { kind: 'FETCH' });
    }

    async set(key: string, data: unknown, ctx: IncrementalSetContext): Promise<void> {
      await this.#core()?.set(key, data, ctx ?? {});
    }

    async revalidateTag(tags: string | string[], durations?: { expire?: number }): Promise<void> {
      await this.#core()?.revalidateTag(typeof tags === 'string' ? [tags] : tags, durations);
    }

    resetRequestCache(): void {
      // Nothing is kept per request.
    }

    static async close(): Promise<void> {
      for (const off of unregister.splice(0)) off();
      const all = [...cores.values()];
      cores.clear();
      await Promise.all(all.map((core) => core.tier.tags.flush(1000)));
      // The process-wide store is shared (the 'use cache' handler, the webhook): leave it open.
      if (!processStore) await all[0]?.close(); // every core of the class is on the one tier of its store
      resolvedStore = undefined;
    }
  }
  return Handler;
}

// Fail at start-up on an invalid configuration (bad URL scheme, URL without token...).
const config = resolveStoreConfig(process.env);
const { timeoutMs } = config;
// Import the store's client now, while nothing waits on it, not at the first cache call.
preloadStoreClients(process.env, config);

const IncrementalCacheHandler: ViewletIncrementalCacheClass = createIncrementalCacheHandler(timeoutMs === undefined ? {} : { timeoutMs });
export default IncrementalCacheHandler;
