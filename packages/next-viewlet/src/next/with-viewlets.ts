/**
 * next.config helper: turns on what viewlets need and adds cache-life profiles.
 * Safe to import from next.config.ts (no runtime imports of Next internals).
 */
import type { NextConfig } from 'next';

export interface WithViewletsOptions {
  /**
   * Partial prefetching renders every dynamic hole twice per request (measured:
   * about half the throughput on a page of cached fragments). Default `false`.
   */
  partialPrefetching?: boolean;
}

/** Cache-life profiles added for viewlets (seconds). Your own `cacheLife` entries win. */
export const viewletCacheLifeProfiles = {
  viewlet: { stale: 30, revalidate: 300, expire: 86_400 },
  'viewlet-short': { stale: 0, revalidate: 30, expire: 3_600 },
} as const;

export function withViewlets(config: NextConfig = {}, options: WithViewletsOptions = {}): NextConfig {
  if (config.cacheComponents === false) {
    throw new Error('[next-viewlet] withViewlets() needs cacheComponents; remove cacheComponents: false from next.config.');
  }
  return {
    ...config,
    cacheComponents: true,
    partialPrefetching: config.partialPrefetching ?? options.partialPrefetching ?? false,
    cacheLife: { ...viewletCacheLifeProfiles, ...config.cacheLife },
  };
}
