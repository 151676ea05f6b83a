/**
 * The one suite every store passes: memory, redis (real redis-server) and
 * upstash (the real @upstash/redis client through the REST fixture to the
 * same redis-server). Each test gets its own random key prefix.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ViewletStore } from '../../src/stores/types.ts';
import { randomPrefix } from '../support/redis-server.ts';
import { failOnUnhandledRejections, sleep } from '../support/unhandled-rejections.ts';

export interface ConformanceTarget {
  name: string;
  shared: boolean;
  /** A new store on the shared backend, with this key prefix. */
  create(prefix: string): ViewletStore;
}

const TEXTS: Record<string, string> = {
  unicode: 'héllo wörld ✓ 中文 🚀 Ωμέγα',
  'control and ASCII': Array.from({ length: 127 }, (_, i) => String.fromCharCode(i + 1)).join(''),
  // Well-formed UTF-16 only: a lone surrogate cannot survive UTF-8 (stores keep text, not UTF-16 units).
  'latin-1 and BMP': Array.from({ length: 600 }, (_, i) => 0x80 + i * 97)
    .filter((code) => code < 0xd800 || code > 0xdfff)
    .map((code) => String.fromCharCode(code))
    .join(''),
  'JSON-ish': '{"a":"\\"quoted\\"\\n","b":[1,2,null],"c":"</script>"}',
  base64: randomBytes(300).toString('base64'),
  'the word OK': 'OK',
  empty: '',
  'looks like a number': '0012',
};

export function describeStoreConformance(target: ConformanceTarget): void {
  describe(`${target.name} store conformance`, () => {
    failOnUnhandledRejections();
    const opened: ViewletStore[] = [];
    const open = (prefix = randomPrefix(target.name)) => {
      const store = target.create(prefix);
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('names itself and says whether it is shared', () => {
      const store = open();
      expect(store.name).toBe(target.name);
      expect(store.shared).toBe(target.shared);
    });

    it('returns values in the order asked, null where absent', async () => {
      const store = open();
      expect(await store.getMany([])).toEqual([]);
      await store.set('a', 'A', 60_000);
      await store.set('c', 'C', 60_000);
      expect(await store.getMany(['a', 'b', 'c', 'a'])).toEqual(['A', null, 'C', 'A']);
      const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
      await Promise.all(keys.filter((_, i) => i % 3 === 0).map((key) => store.set(key, `v-${key}`, 60_000)));
      expect(await store.getMany(keys)).toEqual(keys.map((key, i) => (i % 3 === 0 ? `v-${key}` : null)));
    });

    it('overwrites on set and expires after the TTL', async () => {
      const store = open();
      await store.set('k', 'one', 60_000);
      await store.set('k', 'two', 150);
      expect(await store.getMany(['k'])).toEqual(['two']);
      await sleep(250);
      expect(await store.getMany(['k'])).toEqual([null]);
    });

    it('setIfAbsent sets only when absent and returns what is there otherwise', async () => {
      const store = open();
      expect(await store.setIfAbsent('lock', 'mine', 150)).toBe(true);
      expect(await store.getMany(['lock'])).toEqual(['mine']);
      expect(await store.setIfAbsent('lock', 'theirs', 60_000)).toBe('mine');
      expect(await store.getMany(['lock'])).toEqual(['mine']);
      await sleep(250); // the first lease ran out
      expect(await store.setIfAbsent('lock', 'theirs', 60_000)).toBe(true);
      expect(await store.getMany(['lock'])).toEqual(['theirs']);
    });

    it('deletes only when the value matches (compare-and-delete)', async () => {
      const store = open();
      await store.set('lock', 'token-1', 60_000);
      expect(await store.deleteIfEquals('lock', 'token-2')).toBe(false);
      expect(await store.getMany(['lock'])).toEqual(['token-1']);
      expect(await store.deleteIfEquals('lock', 'token-1')).toBe(true);
      expect(await store.getMany(['lock'])).toEqual([null]);
      expect(await store.deleteIfEquals('lock', 'token-1')).toBe(false);
    });

    it('deletes several keys, absent ones included', async () => {
      const store = open();
      await store.set('x', '1', 60_000);
      await store.set('y', '2', 60_000);
      await store.delete([]);
      await store.delete(['x', 'nope', 'y']);
      expect(await store.getMany(['x', 'y'])).toEqual([null, null]);
    });

    it('tells the time on its clock, in ms', async () => {
      const store = open();
      const first = await store.time();
      await sleep(15);
      const second = await store.time();
      expect(Number.isInteger(first)).toBe(true);
      expect(Math.abs(first - Date.now())).toBeLessThan(2000);
      expect(second - first).toBeGreaterThanOrEqual(10);
      expect(second - first).toBeLessThan(1000);
    });

    it.each(Object.entries(TEXTS))('keeps %s text exactly', async (_label, value) => {
      const store = open();
      const key = `ключ 🔑 with spaces:and:colons`;
      await store.set(key, value, 60_000);
      expect(await store.getMany([key])).toEqual([value]);
      expect(await store.setIfAbsent(key, 'other', 60_000)).toBe(value);
    });

    it('keeps a large value', async () => {
      const store = open();
      const value = randomBytes(1_100_000).toString('base64'); // ~1.4 MB of text
      await store.set('big', value, 60_000);
      const [read] = await store.getMany(['big']);
      expect(read?.length).toBe(value.length);
      expect(read === value).toBe(true);
    });

    it('isolates prefixes on one backend', async () => {
      const a = open(randomPrefix('a'));
      const b = open(randomPrefix('b'));
      await a.set('k', 'from-a', 60_000);
      expect(await b.getMany(['k'])).toEqual([null]);
      expect(await b.setIfAbsent('k', 'from-b', 60_000)).toBe(true);
      expect(await b.deleteIfEquals('k', 'from-a')).toBe(false);
      await b.delete(['k']);
      expect(await a.getMany(['k'])).toEqual(['from-a']);
    });

    it('refuses to work after close()', async () => {
      const store = target.create(randomPrefix(target.name));
      await store.getMany(['warm-up']);
      await store.close();
      await expect(store.getMany(['k'])).rejects.toMatchObject({ code: 'E_STORE_CLOSED' });
    });
  });
}
