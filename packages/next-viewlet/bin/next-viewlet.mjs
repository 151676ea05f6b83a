#!/usr/bin/env node
// The package's `bin`. It is committed, not built: npm links bins when it
// installs, before anything is built, and a bin pointing into dist/ is not
// linked at all in a fresh clone. It only loads the built CLI.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli/index.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    `next-viewlet: the CLI is not built yet (${fileURLToPath(cli)} is missing).\n` +
      'Build it first: `npm run build` at the repository root (or `npm run build -w next-viewlet`), then run the command again.\n',
  );
  process.exit(1);
}
await import(cli.href);
