/**
 * Starts Debian's redis-server on a free loopback port, without persistence,
 * and stops it by its pid. Shared by the benchmarks and the e2e suites.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { freePort } from './next-server.mjs';

function ping(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** @param {{ port?: number, bin?: string }} [options] */
export async function startRedis({ port, bin = process.env.REDIS_SERVER ?? '/usr/bin/redis-server' } = {}) {
  const listenPort = port ?? (await freePort());
  const child = spawn(bin, ['--port', String(listenPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk) => (log += chunk));
  const spawnError = new Promise((_, reject) => child.once('error', reject));
  const deadline = Date.now() + 10_000;
  while (!(await Promise.race([ping(listenPort), spawnError]))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on ${listenPort}: ${log}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return { port: listenPort, url: `redis://127.0.0.1:${listenPort}`, pid: child.pid, stop };
}
