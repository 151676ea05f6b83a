/**
 * next.config helper: turns on what viewlets need, adds cache-life profiles,
 * and installs next-viewlet's cache handlers: the one for `'use cache'` and
 * `'use cache: remote'` (`cacheHandlers`) and the incremental one for
 * prerendered pages, ISR, route handlers and `fetch` (`cacheHandler`), on one
 * store and one set of tag records. Safe to import from next.config.ts (no
 * runtime imports of Next internals).
 */
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';
import { ViewletError } from '../core/errors.ts';

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

/** Absolute path of the built incremental cache handler module (Next's `cacheHandler`). */
export function viewletIncrementalCachePath(): string {
  return fileURLToPath(new URL('../cache/incremental-cache-handler.js', import.meta.url));
}

export function withViewlets(config: NextConfig = {}, options: WithViewletsOptions = {}): NextConfig {
  if (config.cacheComponents === false) {
    throw new ViewletError('E_INVALID_CONFIG', 'withViewlets() needs cacheComponents; remove cacheComponents: false from next.config.');
  }
  const handler = options.cacheHandler === false ? undefined : viewletCacheHandlerPath();
  const incremental = (options.incrementalCache ?? options.cacheHandler) === false ? undefined : viewletIncrementalCachePath();
  return {
    ...config,
    cacheComponents: true,
    partialPrefetching: config.partialPrefetching ?? options.partialPrefetching ?? false,
    cacheLife: { ...viewletCacheLifeProfiles, ...config.cacheLife },
    ...(handler && { cacheHandlers: { default: handler, remote: handler, ...config.cacheHandlers } }),
    ...(incremental && { cacheHandler: config.cacheHandler ?? incremental }),
  };
}
