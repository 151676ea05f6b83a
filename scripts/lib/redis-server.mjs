/**
 * A real redis-server for tests and benchmarks: Debian's binary on a free
 * loopback port, no persistence, stopped by its pid. `stop()` then `start()`
 * keeps the port, for outage tests. A server still running when this process
 * exits is killed with it.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { freePort } from './next-server.mjs';

const running = new Set();
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Resolves once something on `port` answers PING with PONG; rejects after `timeoutMs`. */
export async function waitForPing(port, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
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
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** @param {{ port?: number, bin?: string }} [options] */
export async function startRedis({ port, bin = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server' } = {}) {
  const listenPort = port ?? (await freePort());
  let child;
  let exited = Promise.resolve();

  const start = async () => {
    if (child) return;
    const proc = spawn(bin, ['--save', '', '--appendonly', 'no', '--port', String(listenPort), '--bind', '127.0.0.1'], {
      stdio: 'ignore',
    });
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    proc.once('exit', () => {
      running.delete(proc.pid);
      if (child === proc) child = undefined;
    });
    await new Promise((resolve, reject) => {
      proc.once('spawn', resolve);
      proc.once('error', reject);
    });
    running.add(proc.pid);
    await waitForPing(listenPort);
  };

  const stop = async () => {
    const proc = child;
    if (!proc?.pid) return;
    const pid = proc.pid;
    process.kill(pid, 'SIGTERM');
    const killer = setTimeout(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 2_000);
    await exited;
    clearTimeout(killer);
    child = undefined;
  };

  await start();
  return {
    port: listenPort,
    url: `redis://127.0.0.1:${listenPort}`,
    get pid() {
      return child?.pid;
    },
    start,
    stop,
  };
}
