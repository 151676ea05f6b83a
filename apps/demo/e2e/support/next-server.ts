/** The webhook secret every test server gets (a test-only value). */
export const TEST_WEBHOOK_SECRET = 'whsec_dGVzdC1vbmx5LXNlY3JldC1mb3ItZTJlLXRlc3RzLTMyYg==';

/**
 * Starts `next start` of the built demo on a free loopback port, and stops it
 * by its pid (the whole process group it leads, nothing else).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const demoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const nextBin = createRequire(path.join(demoDir, 'package.json')).resolve('next/dist/bin/next');

export interface DemoServer {
  baseURL: string;
  port: number;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startDemo(env: Record<string, string> = {}, port?: number): Promise<DemoServer> {
  const listenPort = port ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, [nextBin, 'start', '-H', '127.0.0.1', '-p', String(listenPort)], {
    cwd: demoDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', VIEWLET_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  const baseURL = `http://127.0.0.1:${listenPort}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited early:\n${log}`);
    try {
      const response = await fetch(`${baseURL}/signin`, { redirect: 'manual' });
      if (response.status > 0) return { baseURL, port: listenPort, output: () => log, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await stop();
  throw new Error(`next start did not answer within 30 s:\n${log}`);
}
