import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../src/cache/batcher.ts';

describe('batcher', () => {
  it('joins the loads of one moment into one fetch of their distinct keys, each caller getting its own', async () => {
    const fetches: string[][] = [];
    const load = createBatcher(async (keys: string[]) => {
      fetches.push(keys);
      return keys.map((key) => `v:${key}`);
    });
    const results = await Promise.all([load(['a', 'b']), load(['b']), load(['c', 'a'])]);
    expect(fetches).toEqual([['a', 'b', 'c']]);
    expect(results).toEqual([['v:a', 'v:b'], ['v:b'], ['v:c', 'v:a']]);
    expect(await load(['d'])).toEqual(['v:d']);
    expect(fetches).toHaveLength(2);
  });

  it('joins loads made after awaits within the same turn', async () => {
    const fetches: string[][] = [];
    const load = createBatcher(async (keys: string[]) => {
      fetches.push(keys);
      return keys;
    });
    const later = async (key: string) => {
      await Promise.resolve();
      await Promise.resolve();
      return load([key]);
    };
    await Promise.all([load(['x']), later('y'), later('z')]);
    expect(fetches).toEqual([['x', 'y', 'z']]);
  });

  it('fails every caller of a failed fetch, and the next moment tries again', async () => {
    let fail = true;
    const load = createBatcher(async (keys: string[]) => {
      if (fail) throw new Error('store down');
      return keys;
    });
    const results = await Promise.allSettled([load(['a']), load(['b'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await load(['a'])).toEqual(['a']);
  });

  it('answers an empty load at once, without a fetch', async () => {
    let fetched = false;
    const load = createBatcher(async (keys: string[]) => {
      fetched = true;
      return keys;
    });
    expect(await load([])).toEqual([]);
    expect(fetched).toBe(false);
  });
});
