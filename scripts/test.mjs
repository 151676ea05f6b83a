/**
 * `npm test`: everything, in order. System packages if missing, build, the
 * CLI as the README starts it (`npx next-viewlet`), type checks and package
 * lint, unit + integration tests (vitest, real redis-server), browser tests
 * (Playwright + Debian chromium against `next start`), the quick benchmark
 * (every bench scenario at tiny sizes, with its sanity checks), then one summary line.
 * Every stage runs even when an earlier test stage failed.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', NEXT_TELEMETRY_DISABLED: '1', TURBO_TELEMETRY_DISABLED: '1' };
const run = (label, cmd, args) => {
  console.log(`\n[test] ${label}: ${[cmd, ...args].join(' ')}`);
  const started = Date.now();
  const { status } = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  console.log(`[test] ${label} ${status === 0 ? 'ok' : `FAILED (exit ${status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return status === 0;
};

rmSync(path.join(root, 'reports'), { recursive: true, force: true });
if (!run('system packages', process.execPath, ['scripts/ensure-system-deps.mjs'])) process.exit(1);
const turbo = (task) => ['turbo', 'run', task, '--output-logs=errors-only', '--log-order=grouped'];
if (!run('build', 'npx', turbo('build'))) process.exit(1);
const results = [
  // The README's CLI commands start with `npx next-viewlet`: the bin npm linked at install must find the built CLI.
  // --no-install: fail instead of fetching a package of that name from the registry when the local bin is missing.
  run('CLI from the repo root', 'npx', ['--no-install', 'next-viewlet', '--help']),
  run('typecheck', 'npx', turbo('typecheck')),
  run('lint', 'npm', ['run', 'lint', '--silent']),
  run('unit and integration tests', 'npx', ['turbo', 'run', 'test', '--continue', '--log-order=grouped']),
  // One app at a time: two suites of next start servers on 2 cores make each other's timings flaky.
  run('browser tests', 'npx', ['turbo', 'run', 'test:e2e', '--continue', '--concurrency=1', '--log-order=grouped']),
  run('quick benchmark', 'npm', ['run', 'bench', '--silent', '--', '--quick']),
];
const summary = run('summary', process.execPath, ['scripts/summary.mjs']);
process.exit(results.every(Boolean) && summary ? 0 : 1);
