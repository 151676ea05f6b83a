import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withViewlets } from 'next-viewlet/config';
import { sharedNextConfig } from '../../next.config.ts';
import { demoCacheLifeProfiles } from './lib/cache-life-profiles.ts';

// The monorepo root, so Turbopack and file tracing see the workspace package.
// A standalone app does not need these two lines.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const demoDir = path.dirname(fileURLToPath(import.meta.url));

// Cache Components on, the viewlet cache-life profiles, next-viewlet's cache handlers ('use cache',
// 'use cache: remote', and the custom 'archive' kind with its own handler module).
export default withViewlets(
  {
    ...sharedNextConfig,
    turbopack: { root },
    outputFileTracingRoot: root,
    cacheLife: demoCacheLifeProfiles,
  },
  // Partial prefetching renders every dynamic hole twice per request; off is the measured better default.
  {
    partialPrefetching: false,
    // VIEWLET_NEXT_BUILTIN_HANDLER=1 at `next start` leaves Next's built-in incremental cache in place, so
    // e2e/incremental-cache.spec.ts can compare it with next-viewlet's on the same build.
    incrementalCache: process.env.VIEWLET_NEXT_BUILTIN_HANDLER !== '1',
    stores: { archive: { handler: path.join(demoDir, 'archive-cache-handler.mjs') } },
  },
);
