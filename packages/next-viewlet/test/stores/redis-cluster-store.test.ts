import calculateSlot from 'cluster-key-slot';
import { createCluster } from 'redis';
import { describe, expect, it } from 'vitest';
import { createRedisClusterStore, type NodeRedisCluster } from '../../src/stores/redis-cluster-store.ts';
import { useRedisCluster } from '../support/redis-cluster.ts';
import { randomPrefix } from '../support/redis-server.ts';
import { expectViewletError } from '../support/errors.ts';
import { timersLeftBy } from '../support/live-timers.ts';
import { failOnUnhandledRejections } from '../support/unhandled-rejections.ts';
import { describeStoreConformance } from './conformance.ts';

const cluster = useRedisCluster({ masters: 3 });

describeStoreConformance({
  name: 'redis-cluster',
  shared: true,
  create: (prefix, journal) => createRedisClusterStore({ urls: cluster.cluster.urls, prefix, ...journal }),
});

describe('redis-cluster store', () => {
  failOnUnhandledRejections();

  it('spreads entries over the nodes and reads them back in one call (split per slot)', async () => {
    const prefix = randomPrefix();
    const store = createRedisClusterStore({ urls: cluster.cluster.urls, prefix });
    try {
      const keys = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? `{entry-${i}}e` : `e:${i}`));
      const owners = new Set(await Promise.all(keys.map((key) => cluster.cluster.masterOf(calculateSlot(prefix + key)))));
      expect(owners.size).toBe(3); // the keys really live on every master
      await Promise.all(keys.map((key) => store.set(key, `v:${key}`, 60_000)));
      expect(await store.getMany(keys)).toEqual(keys.map((key) => `v:${key}`));
      await store.delete(keys);
      expect(await store.getMany(keys)).toEqual(keys.map(() => null));
    } finally {
      await store.close();
    }
  });

  it('leaves no timer running per call (one would hold the calling request alive until it fires)', async () => {
    const store = createRedisClusterStore({ urls: cluster.cluster.urls, prefix: randomPrefix() });
    try {
      await store.getMany(['warm']); // connected, topology known
      const left = await timersLeftBy(() => Promise.all(Array.from({ length: 50 }, (_, i) => store.getMany([`k${i}`, `{k${i}}x`]))));
      expect(left).toBeLessThan(5); // node-redis's default command timeout left one per command (5 s each)
    } finally {
      await store.close();
    }
  });

  it('keeps the tag system of each prefix in one slot of its own', async () => {
    const prefixes = Array.from({ length: 12 }, () => randomPrefix('p'));
    const slots = new Set(prefixes.map((prefix) => calculateSlot(`${prefix}{${prefix}tags}:journal`)));
    expect(slots.size).toBeGreaterThan(1); // different prefixes, different slots (and nodes)
    const store = createRedisClusterStore({ urls: cluster.cluster.urls, prefix: prefixes[0]! });
    try {
      // 40 tags in one atomic script: a CROSSSLOT error if any key were elsewhere.
      const tags = Array.from({ length: 40 }, (_, i) => `tag-${i}`);
      const written = await store.invalidate(tags, { expireInMs: 0, recordTtlMs: 60_000 });
      expect(await store.getTagRecords(tags)).toEqual(written.map((entry) => entry.record));
    } finally {
      await store.close();
    }
  });

  it('uses an injected cluster client and leaves it open', async () => {
    const client = createCluster({ rootNodes: [{ url: cluster.cluster.urls[0]! }] });
    await client.connect();
    const store = createRedisClusterStore({ client: client as unknown as NodeRedisCluster, prefix: randomPrefix() });
    try {
      await store.set('k', 'v', 60_000);
      expect(await store.getMany(['k'])).toEqual(['v']);
      await store.close();
      expect(client.isOpen).toBe(true);
    } finally {
      client.destroy();
    }
  });

  it('open() connects and learns the topology; after close() it refuses', async () => {
    const store = createRedisClusterStore({ urls: cluster.cluster.urls, prefix: randomPrefix() });
    await store.open!();
    await store.open!(); // connected: nothing more to do
    await store.set('k', 'v', 60_000);
    expect(await store.getMany(['k'])).toEqual(['v']);
    await store.close();
    await expect(store.open!()).rejects.toMatchObject({ code: 'E_STORE_CLOSED' });
  });

  it('fails calls while no seed node answers, trying again on each call', async () => {
    const store = createRedisClusterStore({
      urls: ['redis://127.0.0.1:9', 'redis://127.0.0.1:10'],
      prefix: randomPrefix(),
      timeoutMs: 3000,
    });
    try {
      for (let i = 0; i < 2; i++) {
        await expect(store.getMany(['k'])).rejects.toMatchObject({ code: expect.stringMatching(/^E_STORE_(FAILED|TIMEOUT)$/) });
      }
      await expect(store.open!()).rejects.toMatchObject({ code: expect.stringMatching(/^E_STORE_(FAILED|TIMEOUT)$/) });
    } finally {
      await store.close();
    }
  });

  it('rejects seed URLs that are missing or not redis://, without echoing them', () => {
    expectViewletError(() => createRedisClusterStore({}), 'E_STORE_CONFIG', /urls is missing/);
    expectViewletError(() => createRedisClusterStore({ urls: [] }), 'E_STORE_CONFIG', /urls is missing/);
    expectViewletError(
      () => createRedisClusterStore({ urls: ['redis://a:1', 'https://:s3cret@b:2'] }),
      'E_STORE_CONFIG',
      /URL 2 of 2.*"https:"/,
    );
    expect(() => createRedisClusterStore({ urls: ['https://:s3cret@b:2'] })).not.toThrow(/s3cret/);
  });
});
