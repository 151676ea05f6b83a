import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';
import { sharedNextConfig } from '../../next.config.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const config: NextConfig = {
  ...sharedNextConfig,
  turbopack: { root },
  outputFileTracingRoot: root,
};

export default config;
