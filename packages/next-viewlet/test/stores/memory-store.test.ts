import { LRUCache } from 'lru-cache';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import { describeStoreConformance } from './conformance.ts';
import { expectViewletError } from '../support/errors.ts';

// One LRU behind every store of the suite, so prefix isolation is tested for real.
const shared = new LRUCache<string, string>({ maxSize: 64 * 1024 * 1024, sizeCalculation: (v, k) => Math.max(1, v.length + k.length) });

describeStoreConformance({
  name: 'memory',
  shared: false,
  create: (prefix, journal) => createMemoryStore({ prefix, cache: shared, ...journal }),
});

describe('memory store', () => {
  it('is bounded in bytes (key + value length), dropping the least recently used', async () => {
    const store = createMemoryStore({ maxBytes: 1000, prefix: 'p:' });
    for (let i = 0; i < 20; i++) await store.set(`k${String(i).padStart(2, '0')}`, 'x'.repeat(95), 60_000);
    const values = await store.getMany(Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`));
    const kept = values.filter((v) => v !== null).length;
    // each key+value is 100 bytes: 10 fit
    expect(kept).toBe(10);
    expect(values.slice(10).every((v) => v !== null)).toBe(true);
    expect(values.slice(0, 10).every((v) => v === null)).toBe(true);
  });

  it('does not store a value larger than the whole store', async () => {
    const store = createMemoryStore({ maxBytes: 100 });
    await store.set('big', 'x'.repeat(200), 60_000);
    expect(await store.getMany(['big'])).toEqual([null]);
    expect(await store.setIfAbsent('big', 'x'.repeat(200), 60_000)).toBe(null);
  });

  it('rejects a nonsense size or prefix at creation', () => {
    expectViewletError(() => createMemoryStore({ maxBytes: 0 }), 'E_STORE_CONFIG');
    expectViewletError(() => createMemoryStore({ prefix: 'has space' }), 'E_STORE_CONFIG');
  });
});
