/**
 * The shared base every app in apps/ spreads into its own next.config.ts. It
 * holds only what every app of this repository wants; each app calls
 * `withViewlets()` itself, as a user's app does.
 */
import type { NextConfig } from 'next';

export const sharedNextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
};

export default sharedNextConfig;
