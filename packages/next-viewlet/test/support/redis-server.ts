/**
 * A real redis-server for tests: Debian's binary on a free loopback port, no
 * persistence, stopped by its pid. `stop()`/`start()` keep the port, for
 * outage tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll } from 'vitest';

const BINARY = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** The pid of the running server, or undefined while stopped. */
  readonly pid: number | undefined;
  /** Starts it again on the same port (after `stop()`). */
  start(): Promise<void>;
  /** Stops it (SIGTERM to its pid, SIGKILL after 2 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** A key prefix unique to this test run, so runs and files never see each other's keys. */
export function randomPrefix(label = 't'): string {
  return `${label}:${randomBytes(6).toString('hex')}:`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something on `port` answers PING with PONG; rejects after `timeoutMs`. */
export async function waitForPing(port: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
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
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    if (child) return;
    const proc = spawn(BINARY, ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1'], {
      stdio: 'ignore',
    });
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    proc.once('exit', () => {
      if (child === proc) child = undefined;
    });
    await new Promise<void>((resolve, reject) => {
      proc.once('spawn', resolve);
      proc.once('error', reject);
    });
    await waitForPing(port);
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
    }, 2000);
    await exited;
    clearTimeout(killer);
    child = undefined;
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    start,
    stop,
  };
}

/** For a test file: a redis-server started before its tests and stopped after them. */
export function useRedisServer(): { readonly server: RedisServer } {
  const holder = {} as { server: RedisServer };
  beforeAll(async () => {
    holder.server = await startRedisServer();
  });
  afterAll(async () => {
    await holder.server?.stop();
  });
  return holder;
}
