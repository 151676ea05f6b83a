/**
 * The shared Next config every app in apps/ extends: Cache Components on,
 * viewlet cache-life profiles, partial prefetching off (it renders every
 * dynamic hole twice per request; see bench/).
 */
import type { NextConfig } from 'next';
import { withViewlets } from 'next-viewlet/config';

export const sharedNextConfig: NextConfig = withViewlets(
  {
    reactStrictMode: true,
    poweredByHeader: false,
    cacheLife: {
      // Used by the demo's sitewide navigation.
      navigation: { stale: 60, revalidate: 3_600, expire: 86_400 },
    },
  },
  {
    partialPrefetching: false,
    // Benchmarks compare against Next's built-in handler: VIEWLET_NEXT_BUILTIN_HANDLER=1 at `next start`.
    cacheHandler: process.env.VIEWLET_NEXT_BUILTIN_HANDLER !== '1',
  },
);

export default sharedNextConfig;
