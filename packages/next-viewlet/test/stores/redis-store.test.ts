import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { createRedisStore, type NodeRedisClient } from '../../src/stores/redis-store.ts';
import { COMPARE_AND_DELETE } from '../../src/stores/scripts.ts';
import { randomPrefix, useRedisServer } from '../support/redis-server.ts';
import { failOnUnhandledRejections } from '../support/unhandled-rejections.ts';
import { describeStoreConformance } from './conformance.ts';
import { expectViewletError } from '../support/errors.ts';

const redis = useRedisServer();

describeStoreConformance({ name: 'redis', shared: true, create: (prefix) => createRedisStore({ url: redis.server.url, prefix }) });

describe('redis store', () => {
  failOnUnhandledRejections();

  it('ships the compare-and-delete script with its true SHA1, as redis computes it', async () => {
    expect(createHash('sha1').update(COMPARE_AND_DELETE.script).digest('hex')).toBe(COMPARE_AND_DELETE.sha1);
    const client = createClient({ url: redis.server.url });
    await client.connect();
    try {
      expect(await client.scriptLoad(COMPARE_AND_DELETE.script)).toBe(COMPARE_AND_DELETE.sha1);
    } finally {
      client.destroy();
    }
  });

  it('falls back to EVAL when the server has forgotten the script', async () => {
    const client = createClient({ url: redis.server.url });
    await client.connect();
    const store = createRedisStore({ client: client as unknown as NodeRedisClient, prefix: randomPrefix() });
    try {
      await client.scriptFlush();
      await store.set('lock', 't', 60_000);
      expect(await store.deleteIfEquals('lock', 't')).toBe(true);
      expect(await client.scriptExists(COMPARE_AND_DELETE.sha1)).toEqual([1]);
    } finally {
      await store.close();
      expect(client.isOpen).toBe(true); // an injected client is left to its owner
      client.destroy();
    }
  });

  it('writes keys with the prefix and a PX TTL', async () => {
    const prefix = randomPrefix();
    const store = createRedisStore({ url: redis.server.url, prefix });
    const client = createClient({ url: redis.server.url });
    await client.connect();
    try {
      await store.set('k', 'v', 30_000);
      expect(await client.get(`${prefix}k`)).toBe('v');
      const ttl = await client.pTTL(`${prefix}k`);
      expect(ttl).toBeGreaterThan(29_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
    } finally {
      client.destroy();
      await store.close();
    }
  });

  it('fails calls within the timeout while the server is down, never crashes, and recovers', async () => {
    const store = createRedisStore({ url: redis.server.url, prefix: randomPrefix(), timeoutMs: 300 });
    try {
      await store.set('k', 'v', 60_000);
      await redis.server.stop();
      const started = Date.now();
      const results = await Promise.allSettled([store.getMany(['k']), store.set('k', 'w', 1000), store.time()]);
      expect(Date.now() - started).toBeLessThan(1000);
      for (const result of results) {
        expect(result.status).toBe('rejected');
        expect((result as PromiseRejectedResult).reason.code).toMatch(/^E_STORE_(TIMEOUT|FAILED)$/);
      }
      await redis.server.start();
      // The client reconnects by itself (backoff capped at 2 s).
      let value: (string | null)[] | undefined;
      for (let i = 0; i < 40 && value === undefined; i++) {
        value = await store.getMany(['k']).catch(() => undefined);
        if (value === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      expect(value).toEqual([null]); // a fresh server without persistence
    } finally {
      await store.close();
    }
  });

  it('rejects a URL that is not redis:// at creation, without echoing it', () => {
    expectViewletError(() => createRedisStore({ url: 'https://user:s3cret@example.com' }), 'E_STORE_CONFIG', /"https:"/);
    expect(() => createRedisStore({ url: 'https://user:s3cret@example.com' })).not.toThrow(/s3cret/);
    expectViewletError(() => createRedisStore({ url: 'not a url' }), 'E_STORE_CONFIG');
  });
});
