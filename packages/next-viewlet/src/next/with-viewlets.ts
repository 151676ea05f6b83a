/**
 * next.config helper: turns on what viewlets need, adds cache-life profiles,
 * and installs next-viewlet's cache handlers: one per cache kind (`'use cache'`,
 * `'use cache: remote'` and the kinds of `stores`: `cacheHandlers`) and the incremental one for
 * prerendered pages, ISR, route handlers and `fetch` (`cacheHandler`), on one
 * store and one set of tag records. Safe to import from next.config.ts (no
 * runtime imports of Next internals).
 */
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';
import { assertCacheKind } from '../core/cache-kind.ts';
import { ViewletError } from '../core/errors.ts';
import { exportKindStore, kindStoreVariables, resolveKindStoreOptions } from '../stores/from-env.ts';

/** A cache kind's store and handler (`withViewlets(config, { stores: { [kind]: ... } })`). */
export interface KindStoreOptions {
  /**
   * The kind's own store: `redis://`/`rediss://` (Redis) or `https://` (Upstash,
   * with `token`). Sets `VIEWLET_<KIND>_STORE_URL` in the process that loads
   * next.config (the one `next start` serves from) unless the variable is set:
   * the variable wins. Set the variable itself where next.config is not loaded
   * at run time (standalone output).
   * @default env `VIEWLET_<KIND>_STORE_URL`, else the `default` kind's store
   */
  url?: string;
  /** The Upstash REST token of `url` (sets `VIEWLET_<KIND>_STORE_TOKEN`). @default env `VIEWLET_<KIND>_STORE_TOKEN` */
  token?: string;
  /**
   * Absolute path of the kind's handler module (`export default createCacheHandler({ kind })`
   * from `next-viewlet/cache-handler`): needed by a custom kind with a store of
   * its own, since Next gives a handler no kind.
   * @default next-viewlet's `remote` handler for `remote`; the `default` kind's handler for a custom kind without a store of its own
   */
  handler?: string;
}

export interface WithViewletsOptions {
  /**
   * Partial prefetching renders every dynamic hole twice per request (measured:
   * about half the throughput on a page of cached fragments). `config.partialPrefetching` wins.
   * @default false
   */
  partialPrefetching?: boolean;
  /**
   * Install next-viewlet's cache handler (memory by default; Redis or Upstash
   * when configured, see docs/stores-and-deployment.md) for the `default` and
   * `remote` cache kinds. Kinds you set in `cacheHandlers` yourself are kept.
   * `false` leaves Next's built-in handler.
   * @default true
   */
  cacheHandler?: boolean;
  /**
   * Install next-viewlet's incremental cache handler (Next's `cacheHandler`:
   * prerendered pages, ISR, route handler responses, `fetch`) on the same store
   * and tag records, so a `revalidateTag` on any instance reaches every page on
   * every instance. A `cacheHandler` you set yourself is kept. `false` leaves
   * Next's built-in file-system cache.
   * @default the value of `cacheHandler` (true)
   */
  incrementalCache?: boolean;
  /**
   * Stores per cache kind (`viewlet({ store })`): `remote` and custom kinds, e.g.
   * `{ remote: { url: process.env.SHARED_REDIS_URL } }`. Each kind listed gets a
   * `cacheHandlers` entry (a custom kind needs one for its `'use cache: <kind>'`
   * to compile). A kind without a store of its own uses the `default` kind's;
   * tags of every kind are judged by one store. See docs/stores-and-deployment.md.
   * @default {} (`remote` is always installed; its store from `VIEWLET_REMOTE_STORE_URL`, else the default kind's)
   */
  stores?: Record<string, KindStoreOptions>;
}

/** Cache-life profiles added for viewlets (seconds). Your own `cacheLife` entries win. */
export const viewletCacheLifeProfiles = {
  viewlet: { stale: 30, revalidate: 300, expire: 86_400 },
  'viewlet-short': { stale: 0, revalidate: 30, expire: 3_600 },
} as const;

/**
 * Absolute path of the built handler module. Next resolves a relative path
 * inside `.next/`, and loads the module unbundled, so it must be the built JS.
 */
export function viewletCacheHandlerPath(): string {
  return fileURLToPath(new URL('../cache/next-cache-handler.js', import.meta.url));
}

/** Absolute path of the built handler module of the `remote` kind (the default kind's handler unless `remote` has a store of its own). */
export function viewletRemoteCacheHandlerPath(): string {
  return fileURLToPath(new URL('../cache/remote-cache-handler.js', import.meta.url));
}

/** The `cacheHandlers` entries of the kinds: `default`, `remote`, then each kind of `stores`. Sets their env. */
function kindHandlers(stores: Record<string, KindStoreOptions>): Record<string, string> {
  const handlers: Record<string, string> = { default: viewletCacheHandlerPath(), remote: viewletRemoteCacheHandlerPath() };
  for (const [kind, options] of Object.entries(stores)) {
    assertCacheKind(kind, 'withViewlets() stores');
    if (kind === 'default') {
      throw new ViewletError(
        'E_INVALID_STORE',
        "withViewlets() stores: the 'default' kind's store is the process store; set it with VIEWLET_STORE, REDIS_URL, REDIS_CLUSTER_URLS or UPSTASH_REDIS_REST_URL (docs/stores-and-deployment.md).",
      );
    }
    exportKindStore(kind, options ?? {});
    if (options?.handler) handlers[kind] = options.handler;
    else if (kind === 'remote') continue;
    else if (resolveKindStoreOptions(kind) !== undefined) {
      throw new ViewletError(
        'E_INVALID_STORE',
        `withViewlets() stores: the "${kind}" kind has a store of its own (${kindStoreVariables(kind).url}) but no handler module; add stores['${kind}'].handler: the absolute path of a module with \`export default createCacheHandler({ kind: '${kind}' })\` (from next-viewlet/cache-handler).`,
      );
    } else handlers[kind] = viewletCacheHandlerPath();
  }
  return handlers;
}

/** Absolute path of the built incremental cache handler module (Next's `cacheHandler`). */
export function viewletIncrementalCachePath(): string {
  return fileURLToPath(new URL('../cache/incremental-cache-handler.js', import.meta.url));
}

export function withViewlets(config: NextConfig = {}, options: WithViewletsOptions = {}): NextConfig {
  if (config.cacheComponents === false) {
    throw new ViewletError('E_INVALID_CONFIG', 'withViewlets() needs cacheComponents; remove cacheComponents: false from next.config.');
  }
  if (options.cacheHandler === false && Object.keys(options.stores ?? {}).length > 0) {
    throw new ViewletError(
      'E_INVALID_CONFIG',
      "withViewlets(): stores need next-viewlet's cache handlers; remove cacheHandler: false, or drop stores and set cacheHandlers yourself.",
    );
  }
  const handlers = options.cacheHandler === false ? undefined : kindHandlers(options.stores ?? {});
  const incremental = (options.incrementalCache ?? options.cacheHandler) === false ? undefined : viewletIncrementalCachePath();
  return {
    ...config,
    cacheComponents: true,
    partialPrefetching: config.partialPrefetching ?? options.partialPrefetching ?? false,
    cacheLife: { ...viewletCacheLifeProfiles, ...config.cacheLife },
    // The path a viewlet varies by is the one Next routes: the proxy and the
    // resolver need the app's basePath and trailingSlash (inlined by Next's `env`).
    env: { ...config.env, VIEWLET_BASE_PATH: config.basePath ?? '', VIEWLET_TRAILING_SLASH: config.trailingSlash ? '1' : '' },
    ...(handlers && { cacheHandlers: { ...handlers, ...config.cacheHandlers } }),
    ...(incremental && { cacheHandler: config.cacheHandler ?? incremental }),
  };
}
