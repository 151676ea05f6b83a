#!/usr/bin/env node
/**
 * Executable entry: `node dist/cli/index.js <command> ...` (the package's `bin`).
 * Everything testable lives in main.ts; this file only runs it.
 */
import { runCli } from './main.ts';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`next-viewlet: unexpected error: ${(error as Error)?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
