/**
 * The demo's own cache-life profiles, in seconds. next.config.ts hands them to
 * Next; the dashboard reads them to put a profile's lifetimes into words.
 */
export const demoCacheLifeProfiles = {
  // Used by the sitewide navigation (viewlets/site-nav.tsx).
  navigation: { stale: 60, revalidate: 3_600, expire: 86_400 },
} as const;
