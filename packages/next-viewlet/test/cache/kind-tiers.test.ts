/**
 * A store per cache kind: each kind's entries in its own store, every kind's
 * tags judged by one tag tier. Two "instances" (separate tiers and clients) on
 * one redis-server: the `default` kind in each one's memory, `remote` in Redis.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type CacheCore, createCacheCore } from '../../src/cache/cache-core.ts';
import { createSharedTier, entryTierFor, type SharedTier } from '../../src/cache/shared-tier.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import { createRedisStore } from '../../src/stores/redis-store.ts';
import { makeEntry, readText } from '../support/cache-entries.ts';
import { randomPrefix, useRedisServer } from '../support/redis-server.ts';

const redis = useRedisServer();
const tiers: SharedTier[] = [];
afterEach(async () => {
  await Promise.all(tiers.splice(0).map((tier) => tier.close()));
});

/** One instance: the tag tier on Redis; `remote` entries in it, `default` entries in its own memory. */
function instance(prefix: string): { local: CacheCore; remote: CacheCore; judge: SharedTier } {
  const judge = createSharedTier(createRedisStore({ url: redis.server.url, prefix }));
  const memory = entryTierFor(createMemoryStore({ prefix }), judge);
  tiers.push(memory, judge);
  return {
    local: createCacheCore({ store: memory.store, tier: memory }),
    remote: createCacheCore({ store: judge.store, tier: judge }),
    judge,
  };
}

describe('cache kinds with stores of their own, one tag judge', () => {
  it('a remote entry written on A is a hit on B; a default (memory) one is not shared', async () => {
    const prefix = randomPrefix('kinds');
    const [a, b] = [instance(prefix), instance(prefix)];
    await a.remote.set('r', Promise.resolve(makeEntry({ value: 'shared', tags: ['t'] })));
    await a.local.set('m', Promise.resolve(makeEntry({ value: 'mine', tags: ['t'] })));
    expect(await readText(await b.remote.get('r'))).toBe('shared');
    expect(await readText(await a.local.get('m'))).toBe('mine');
    expect(await b.local.get('m')).toBeUndefined();
  });

  it("a tag invalidated on B reaches A's entries of both kinds after A's next journal read", async () => {
    const prefix = randomPrefix('kinds');
    const [a, b] = [instance(prefix), instance(prefix)];
    await a.judge.refresh();
    await a.remote.set('r', Promise.resolve(makeEntry({ value: 'remote v1', tags: ['product:1'], timestamp: Date.now() - 1000 })));
    await a.local.set('m', Promise.resolve(makeEntry({ value: 'local v1', tags: ['product:1'], timestamp: Date.now() - 1000 })));
    expect(await readText(await a.local.get('m'))).toBe('local v1');

    // Hard invalidation on the other instance, recorded through its (memory) default kind's handler.
    expect(await b.local.updateTags(['product:1'])).toMatchObject({ recorded: true });
    await a.judge.refresh();
    expect(await a.local.get('m')).toBeUndefined();
    expect(await a.remote.get('r')).toBeUndefined();
  });

  it('the memory kind records invalidations in the judge, not in memory', async () => {
    const prefix = randomPrefix('kinds');
    const a = instance(prefix);
    await a.local.updateTags(['t'], { expire: 60 });
    expect((await a.judge.store.getTagRecords(['t']))[0]).not.toBeNull();
    expect(a.local.store.name).toBe('memory');
    expect(a.local.store.shared).toBe(false);
  });
});
