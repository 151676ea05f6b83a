import { createClient } from 'redis';
import { describe, expect, it, vi } from 'vitest';
import { createRedisStore, type NodeRedisClient } from '../../src/stores/redis-store.ts';
import { SCRIPTS } from '../../src/stores/scripts.ts';
import type { ViewletLogger } from '../../src/util/log.ts';
import { randomPrefix, useRedisServer } from '../support/redis-server.ts';
import { expectViewletError } from '../support/errors.ts';
import { timersLeftBy } from '../support/live-timers.ts';
import { failOnUnhandledRejections } from '../support/unhandled-rejections.ts';
import { describeStoreConformance } from './conformance.ts';

const redis = useRedisServer();

describeStoreConformance({
  name: 'redis',
  shared: true,
  create: (prefix, journal) => createRedisStore({ url: redis.server.url, prefix, ...journal }),
});

const connect = async () => {
  const client = createClient({ url: redis.server.url });
  await client.connect();
  return client;
};

const settle = (calls: Promise<unknown>[]) =>
  Promise.allSettled(calls).then((results) => results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok')));

const recordingLogger = () => ({ debug: vi.fn(), warn: vi.fn(), error: vi.fn() }) satisfies ViewletLogger;

describe('redis store', () => {
  failOnUnhandledRejections();

  it('falls back to EVAL when the server has forgotten its scripts, and caches them again', async () => {
    const client = await connect();
    const store = createRedisStore({ client: client as unknown as NodeRedisClient, prefix: randomPrefix() });
    try {
      await client.scriptFlush();
      await store.set('lock', 't', 60_000);
      expect(await store.deleteIfEquals('lock', 't')).toBe(true);
      expect(await store.setIfAbsent('lock', 'u', 60_000)).toBe(true);
      const { cursor } = await store.readJournal(undefined);
      await store.invalidate(['t'], { expireInMs: 0, recordTtlMs: 60_000 });
      expect((await store.readJournal(cursor)).entries.map((e) => e.tag)).toEqual(['t']);
      expect(await client.scriptExists(Object.values(SCRIPTS).map((s) => s.sha1))).toEqual([1, 1, 1, 1]);
    } finally {
      await store.close();
      expect(client.isOpen).toBe(true); // an injected client is left to its owner
      client.destroy();
    }
  });

  it('writes entries under the prefix with a PX TTL, and never puts a tag name in a key name', async () => {
    const prefix = randomPrefix();
    const store = createRedisStore({ url: redis.server.url, prefix });
    const client = await connect();
    try {
      await store.set('k', 'v', 30_000);
      expect(await client.get(`${prefix}k`)).toBe('v');
      const ttl = await client.pTTL(`${prefix}k`);
      expect(ttl).toBeGreaterThan(29_000);
      expect(ttl).toBeLessThanOrEqual(30_000);

      const tags = ['user:alice@example.com', 'product:secret-sku'];
      await store.invalidate(tags, { expireInMs: 0, recordTtlMs: 60_000 });
      const keys = (await client.keys(`${prefix}*`)).filter((key) => key !== `${prefix}k`);
      expect(keys).toHaveLength(4); // two records, the journal, its meta key
      for (const key of keys) {
        expect(key.startsWith(`${prefix}{${prefix}tags}:`)).toBe(true); // one cluster slot per prefix
        for (const part of ['alice', 'secret-sku']) expect(key).not.toContain(part);
      }
      // The journal carries the names, as values.
      const [entry] = (await client.xRange(`${prefix}{${prefix}tags}:journal`, '-', '+')) as { message: Record<string, string> }[];
      expect(entry?.message.t).toBe('user:alice@example.com');
    } finally {
      client.destroy();
      await store.close();
    }
  });

  it('tells a reader whose journal was lost (flushed, evicted) that it may have missed invalidations', async () => {
    const prefix = randomPrefix();
    const store = createRedisStore({ url: redis.server.url, prefix });
    const client = await connect();
    try {
      const fresh = await store.readJournal(undefined);
      await store.invalidate(['a'], { expireInMs: 0, recordTtlMs: 60_000 });
      const { cursor } = await store.readJournal(fresh.cursor);
      await client.del([`${prefix}{${prefix}tags}:journal`, `${prefix}{${prefix}tags}:journal-meta`]);
      expect(await store.readJournal(cursor)).toMatchObject({ gap: true, entries: [] });
      await store.invalidate(['b'], { expireInMs: 0, recordTtlMs: 60_000 });
      const after = await store.readJournal(cursor);
      expect(after).toMatchObject({ gap: true });
      expect(after.entries.map((e) => e.tag)).toEqual(['b']);
    } finally {
      client.destroy();
      await store.close();
    }
  });

  it('fails calls while the server is down, never crashes, and recovers by itself', async () => {
    const logger = recordingLogger();
    const store = createRedisStore({ url: redis.server.url, prefix: randomPrefix(), timeoutMs: 300, logger });
    // Never used before the server is down: its first connection is what open() waits for.
    const fresh = createRedisStore({ url: redis.server.url, prefix: randomPrefix(), timeoutMs: 300, logger: recordingLogger() });
    try {
      await store.set('k', 'v', 60_000);
      await redis.server.stop();
      const codes = await settle([store.getMany(['k']), store.set('k', 'w', 1000), store.time(), store.readJournal(undefined)]);
      for (const code of codes) expect(code).toMatch(/^E_STORE_(TIMEOUT|FAILED)$/);
      // A store that never connected: open() waits for the socket (the client connects in the background), within the store's bound.
      await expect(fresh.open!()).rejects.toMatchObject({ code: expect.stringMatching(/^E_STORE_(TIMEOUT|FAILED)$/) });
      // The store's own logger heard of it, once however often the client retries.
      const outageLines = () => logger.warn.mock.calls.filter(([line]) => /^redis store: connection error/.test(line));
      expect(outageLines()).toHaveLength(1);
      await redis.server.start();
      // The client reconnects by itself (backoff capped at 2 s); a fresh server without persistence.
      await expect.poll(() => store.getMany(['k']).catch((error: { code: string }) => error.code), { timeout: 10_000 }).toEqual([null]);
      await expect.poll(() => logger.warn.mock.calls.map(([line]) => line)).toContain('redis store: connected again.');
      expect(outageLines()).toHaveLength(1);
      await expect
        .poll(
          () =>
            fresh.open!().then(
              () => 'open',
              (error: { code: string }) => error.code,
            ),
          { timeout: 10_000 },
        )
        .toBe('open');
    } finally {
      await Promise.all([fresh.close(), store.close()]);
    }
  });

  it("ends every call at its deadline when the server stops answering (the store's own timer, not the socket)", async () => {
    const store = createRedisStore({ url: redis.server.url, prefix: randomPrefix(), timeoutMs: 200 });
    const pid = redis.server.pid!;
    try {
      await store.set('k', 'v', 60_000);
      // A silent partition: the socket stays open and nothing answers, so only the deadline can end a call.
      process.kill(pid, 'SIGSTOP');
      const errors = await Promise.all(
        [store.getMany(['k']), store.invalidate(['t'], { expireInMs: 0, recordTtlMs: 60_000 }), store.time()].map((call) =>
          call.then(
            () => undefined,
            (error: Error & { code: string }) => error,
          ),
        ),
      );
      for (const error of errors) {
        expect(error?.code).toBe('E_STORE_TIMEOUT');
        expect(error?.message).toMatch(/redis store: .+ took longer than 200 ms/);
      }
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await expect.poll(() => store.getMany(['k']).catch(() => 'failing')).toEqual(['v']);
    await store.close();
  });

  it.each(['its own client', 'an injected client'])(
    'leaves no timer running per call, with %s (one would hold the calling request alive until it fires)',
    async (which) => {
      const client = which === 'an injected client' ? await connect() : undefined;
      const prefix = randomPrefix();
      const store = client
        ? createRedisStore({ client: client as unknown as NodeRedisClient, prefix })
        : createRedisStore({ url: redis.server.url, prefix });
      try {
        await store.getMany(['warm']); // connected
        const left = await timersLeftBy(() => Promise.all(Array.from({ length: 50 }, (_, i) => store.getMany([`k${i}`]))));
        expect(left).toBeLessThan(5); // node-redis's default command timeout left 50 (5 s each)
      } finally {
        await store.close();
        await client?.close();
      }
    },
  );

  it('takes options only: a REDIS_URL in the environment is not a fallback', () => {
    vi.stubEnv('REDIS_URL', redis.server.url);
    try {
      expectViewletError(() => createRedisStore({}), 'E_STORE_CONFIG', /url is missing/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('rejects a URL that is not redis:// at creation, without echoing it', () => {
    expectViewletError(() => createRedisStore({ url: 'https://user:s3cret@example.com' }), 'E_STORE_CONFIG', /"https:"/);
    expect(() => createRedisStore({ url: 'https://user:s3cret@example.com' })).not.toThrow(/s3cret/);
    expectViewletError(() => createRedisStore({ url: 'not a url' }), 'E_STORE_CONFIG');
    expectViewletError(() => createRedisStore({ url: redis.server.url, prefix: 'a{b}' }), 'E_STORE_CONFIG', /braces/);
  });
});
