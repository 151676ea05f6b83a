import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from '@upstash/redis';
import { describe, expect, it, vi } from 'vitest';
import { createUpstashStore, deadlineSignals, type UpstashClient } from '../../src/stores/upstash-store.ts';
import { randomPrefix } from '../support/redis-server.ts';
import { expectViewletError } from '../support/errors.ts';
import { timersLeftBy } from '../support/live-timers.ts';
import { manualClock } from '../support/manual-clock.ts';
import { failOnUnhandledRejections } from '../support/unhandled-rejections.ts';
import { useUpstashBackend } from '../support/upstash-rest-server.ts';
import { describeStoreConformance } from './conformance.ts';

const backend = useUpstashBackend();

describeStoreConformance({
  name: 'upstash',
  shared: true,
  create: (prefix, journal) => createUpstashStore({ url: backend.rest.url, token: backend.rest.token, prefix, ...journal }),
});

/** A local HTTP server for fault tests: `handle` decides what each request gets. */
async function withServer<T>(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void, run: (url: string) => Promise<T>) {
  const server = http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const requestsSent = async (work: () => Promise<unknown>) => {
  const total = () => Object.values(backend.rest.requests).reduce((sum, n) => sum + n, 0);
  const before = total();
  await work();
  return total() - before;
};

describe('upstash store', () => {
  failOnUnhandledRejections();

  it('speaks base64 with the real client, like Upstash', async () => {
    const client = new Redis({ url: backend.rest.url, token: backend.rest.token, enableTelemetry: false, automaticDeserialization: false });
    const prefix = randomPrefix();
    await client.set(`${prefix}raw-check`, 'héllo');
    expect(await client.get(`${prefix}raw-check`)).toBe('héllo');
    const store = createUpstashStore({ client: client as unknown as UpstashClient, prefix });
    expect(await store.getMany(['raw-check'])).toEqual(['héllo']);
  });

  it('never puts values in its errors (Upstash errors repeat the whole command)', async () => {
    const store = createUpstashStore({ url: backend.rest.url, token: 'wrong-token', prefix: randomPrefix(), retries: 0 });
    const error = await store.set('k', 'SECRET-VALUE-123', 60_000).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string; cause?: Error },
    );
    expect(error?.code).toBe('E_STORE_FAILED');
    expect(error?.message).toContain('Unauthorized');
    expect(error?.message).not.toContain('SECRET-VALUE-123');
    expect(String(error?.cause?.message)).not.toContain('SECRET-VALUE-123');
  });

  it('retries a network error a bounded number of times, then fails', async () => {
    let attempts = 0;
    await withServer(
      (req) => {
        attempts += 1;
        req.socket.destroy(); // the connection drops before any answer
      },
      async (url) => {
        const store = createUpstashStore({ url, token: 't', prefix: randomPrefix(), retries: 2 });
        await expect(store.getMany(['k'])).rejects.toMatchObject({ code: 'E_STORE_FAILED' });
      },
    );
    expect(attempts).toBe(3);
  });

  it('ends a call at its deadline when the server never answers', async () => {
    await withServer(
      () => {}, // accepts, never answers: only the deadline can end the call
      async (url) => {
        const store = createUpstashStore({ url, token: 't', prefix: randomPrefix(), timeoutMs: 200 });
        await expect(store.time()).rejects.toMatchObject({ code: 'E_STORE_TIMEOUT' });
        await expect(store.readJournal(undefined)).rejects.toMatchObject({ code: 'E_STORE_TIMEOUT' });
      },
    );
  });

  it('leaves at most one timer running however many calls it makes (one per call would hold each request alive)', async () => {
    const store = createUpstashStore({ url: backend.rest.url, token: backend.rest.token, prefix: randomPrefix() });
    await store.time();
    // One call per tick, so every call is its own HTTP request with its own deadline.
    const left = await timersLeftBy(async () => {
      for (let i = 0; i < 30; i++) await store.getMany([`k${i}`]);
    });
    expect(left).toBeLessThanOrEqual(1); // AbortSignal.timeout() left 30 (10 s each)
  });

  it('its request signals abort at their deadline, in order, and the sweep stops when none is pending', () => {
    vi.useFakeTimers();
    try {
      const clock = manualClock();
      const signal = deadlineSignals(100, clock.now);
      const first = signal();
      clock.advance(60);
      const second = signal();
      clock.advance(40);
      vi.advanceTimersByTime(25); // the interval's sweep
      expect([first.aborted, second.aborted]).toEqual([true, false]);
      expect((first.reason as DOMException).name).toBe('TimeoutError');
      clock.advance(60);
      vi.advanceTimersByTime(25);
      expect(second.aborted).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('sends one request per call, and one for the reads of a tick (auto-pipelining)', async () => {
    const store = createUpstashStore({ url: backend.rest.url, token: backend.rest.token, prefix: randomPrefix() });
    // Warm up: the server caches the scripts on their first EVAL.
    await store.setIfAbsent('warm', 'x', 60_000);
    await store.invalidate(['warm'], { expireInMs: 0, recordTtlMs: 60_000 });
    await store.readJournal(undefined);

    expect(await requestsSent(() => store.setIfAbsent('lock', 'a', 60_000))).toBe(1);
    expect(await requestsSent(() => store.invalidate(['a', 'b', 'c'], { expireInMs: 0, recordTtlMs: 60_000 }))).toBe(1);
    const page = () =>
      Promise.all([store.getMany(['e1', 'e2', 'e3']), store.getTagRecords(['a', 'b']), store.readJournal('0-0'), store.time()]);
    expect(await requestsSent(page)).toBe(1);
  });

  it('takes options only: Upstash variables in the environment are not a fallback', () => {
    vi.stubEnv('UPSTASH_REDIS_REST_URL', backend.rest.url);
    vi.stubEnv('UPSTASH_REDIS_REST_TOKEN', backend.rest.token);
    try {
      expectViewletError(() => createUpstashStore({}), 'E_STORE_CONFIG', /needs a URL and a token/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('needs a URL and a token, and says which one is missing, never echoing the token', () => {
    expectViewletError(() => createUpstashStore({ url: 'https://x.upstash.io' }), 'E_STORE_CONFIG', /needs a token/);
    expect(() => createUpstashStore({ token: 'secret-token' })).toThrow(/needs a URL/);
    expect(() => createUpstashStore({ url: 'redis://x:6379', token: 'secret-token' })).toThrow(/scheme "redis:"/);
    expect(() => createUpstashStore({ url: 'redis://x:6379', token: 'secret-token' })).not.toThrow(/secret-token/);
  });
});
