/**
 * Installs the Debian packages the tests need when they are missing:
 * chromium (the browser Playwright drives) and redis-server (the shared store).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const needed = [
  { pkg: 'chromium', path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  { pkg: 'redis-server', path: '/usr/bin/redis-server' },
].filter(({ path }) => !existsSync(path));

if (needed.length === 0) process.exit(0);

const names = needed.map((n) => n.pkg);
console.log(`[test] installing Debian packages: ${names.join(', ')}`);
const root = process.getuid?.() === 0;
const sudo = root ? [] : ['sudo', '-n'];
const run = (args) => {
  const [cmd, ...rest] = [...sudo, ...args];
  const result = spawnSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
};
if (!run(['apt-get', 'update', '-qq']) || !run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...names])) {
  console.error(
    `[test] could not install ${names.join(', ')}; install them yourself (apt-get install ${names.join(' ')}) and run npm test again.`,
  );
  process.exit(1);
}
