/**
 * A real redis-server for tests and benchmarks: Debian's binary on a free
 * loopback port, no persistence, stopped by its pid. `stop()` then `start()`
 * keeps the port, for outage tests; `kill()` is a crash (SIGKILL). A server
 * still running when this process exits is killed with it.
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

/**
 * Sends one command to the server on `port` and resolves with its reply as text
 * (a simple or bulk string; an integer as its digits). Rejects on an error reply,
 * a closed connection, or after `timeoutMs`. For readiness checks and test set-up.
 */
export function redisCommand(port, args, timeoutMs = 1_000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    const done = (error, value) => {
      socket.destroy();
      if (error) reject(error);
      else resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no reply from port ${port} within ${timeoutMs} ms`)));
    socket.once('error', (error) => done(error));
    socket.once('close', () => done(new Error(`port ${port} closed the connection`)));
    socket.once('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n');
      if (end < 0) return;
      const head = buffer.subarray(1, end).toString();
      const type = String.fromCharCode(buffer[0]);
      if (type === '-') return done(new Error(head));
      if (type === '+' || type === ':') return done(undefined, head);
      if (type !== '$') return done(new Error(`unexpected reply type ${type}`));
      const length = Number(head);
      if (length < 0) return done(undefined, null);
      if (buffer.length >= end + 2 + length + 2) done(undefined, buffer.subarray(end + 2, end + 2 + length).toString());
    });
  });
}

/** Resolves once something on `port` answers PING with PONG; rejects after `timeoutMs`. */
export async function waitForPing(port, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await redisCommand(port, ['PING'], 500).catch(() => undefined)) === 'PONG') return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** @param {{ port?: number, bin?: string, args?: string[] }} [options] */
export async function startRedis({ port, bin = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server', args = [] } = {}) {
  const listenPort = port ?? (await freePort());
  let child;
  let exited = Promise.resolve();

  const start = async () => {
    if (child) return;
    const proc = spawn(bin, ['--save', '', '--appendonly', 'no', '--port', String(listenPort), '--bind', '127.0.0.1', ...args], {
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

  const stopWith = async (signal) => {
    const proc = child;
    if (!proc?.pid) return;
    const pid = proc.pid;
    process.kill(pid, signal);
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
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
  };
}
