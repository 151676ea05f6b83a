/**
 * A small app for the identity e2e suite: a basePath and trailingSlash (so
 * paths must be normalised the way Next routes them), a proxy whose matcher
 * leaves a page out, and viewlets that show exactly whose output they are.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withViewlets } from 'next-viewlet/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export default withViewlets(
  {
    basePath: '/shop',
    trailingSlash: true,
    reactStrictMode: true,
    poweredByHeader: false,
    turbopack: { root },
    outputFileTracingRoot: root,
  },
  { partialPrefetching: false },
);
