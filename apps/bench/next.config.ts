/**
 * The benchmark app's Next config. `BENCH_HANDLER=builtin` at `next start`
 * leaves Next's built-in 'use cache' handler in place, so the benchmarks can
 * compare it with next-viewlet's handler on the same build.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';
import { withViewlets } from 'next-viewlet/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const config: NextConfig = withViewlets(
  {
    reactStrictMode: true,
    poweredByHeader: false,
    turbopack: { root },
    outputFileTracingRoot: root,
  },
  { cacheHandler: process.env.BENCH_HANDLER !== 'builtin' },
);

export default config;
