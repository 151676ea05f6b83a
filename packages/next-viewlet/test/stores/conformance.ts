/**
 * The one suite every store passes: memory, redis (real redis-server) and
 * upstash (the real @upstash/redis client through the REST fixture to the
 * same redis-server). Each test gets its own random key prefix.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalOptions } from '../../src/stores/store-call.ts';
import { tagFreshness } from '../../src/stores/tag-record.ts';
import type { ViewletStore } from '../../src/stores/types.ts';
import { randomPrefix } from '../support/redis-server.ts';
import { failOnUnhandledRejections } from '../support/unhandled-rejections.ts';

// TTLs are waited for by polling the condition, never by sleeping a guessed time.
const POLL = { timeout: 5000, interval: 20 };

export interface ConformanceTarget {
  name: string;
  shared: boolean;
  /** A new store on the shared backend, with this key prefix (and journal bounds, when given). */
  create(prefix: string, journal?: JournalOptions): ViewletStore;
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
    const open = (prefix = randomPrefix(target.name), journal?: JournalOptions) => {
      const store = target.create(prefix, journal);
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
      await expect.poll(() => store.getMany(['k']), POLL).toEqual([null]);
    });

    it('reads and deletes keys with and without {hash tags} together (one call per cluster slot)', async () => {
      const store = open();
      const keys = ['{entry-1}e', '{entry-1}lock', 'plain', '{entry-2}e', 'other:{x}', '{}empty-tag', 'k{entry-1}'];
      await Promise.all(keys.map((key) => store.set(key, `v:${key}`, 60_000)));
      expect(await store.getMany([...keys, '{entry-1}absent'])).toEqual([...keys.map((key) => `v:${key}`), null]);
      await store.delete(['{entry-1}lock', 'plain', 'other:{x}', 'nope']);
      expect(await store.getMany(keys)).toEqual(
        keys.map((key) => (['{entry-1}lock', 'plain', 'other:{x}'].includes(key) ? null : `v:${key}`)),
      );
    });

    it('setIfAbsent sets only when absent and returns what is there otherwise', async () => {
      const store = open();
      expect(await store.setIfAbsent('lock', 'mine', 150)).toBe(true);
      expect(await store.getMany(['lock'])).toEqual(['mine']);
      expect(await store.setIfAbsent('lock', 'theirs', 60_000)).toBe('mine');
      expect(await store.getMany(['lock'])).toEqual(['mine']);
      // Taken once the first lease runs out.
      await expect.poll(() => store.setIfAbsent('lock', 'theirs', 60_000), POLL).toBe(true);
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
      expect(Number.isInteger(first)).toBe(true);
      // The same host's clock, in ms (not seconds, not µs).
      expect(Math.abs(first - Date.now())).toBeLessThan(2000);
      await expect.poll(() => store.time(), POLL).toBeGreaterThan(first);
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

    describe('tag records and the invalidation journal', () => {
      const YEAR = 31_536_000_000;
      const DAY = 86_400_000;

      it('has no record for a tag never invalidated', async () => {
        const store = open();
        expect(await store.getTagRecords([])).toEqual([]);
        expect(await store.getTagRecords(['never', 'again'])).toEqual([null, null]);
      });

      it('records a hard invalidation on its own clock, expiring entries generated up to it', async () => {
        const store = open();
        const before = await store.time();
        const [entry] = await store.invalidate(['product:1'], { expireInMs: 0, recordTtlMs: DAY });
        const after = await store.time();
        expect(entry).toMatchObject({ tag: 'product:1' });
        const record = entry!.record;
        expect(record.at).toBeGreaterThanOrEqual(before);
        expect(record.at).toBeLessThanOrEqual(after);
        expect(record.expireAt).toBe(record.at);
        expect(await store.getTagRecords(['product:1', 'product:2'])).toEqual([record, null]);
        expect(tagFreshness(record, record.at, after)).toBe('expired');
        expect(tagFreshness(record, record.at + 1, after)).toBe('fresh');
      });

      it('records a soft invalidation as stale until its own expiry, or with none', async () => {
        const store = open();
        const [timed] = await store.invalidate(['a'], { expireInMs: 60_000, recordTtlMs: DAY });
        expect(timed!.record.expireAt).toBe(timed!.record.at + 60_000);
        const [open_] = await store.invalidate(['b'], { expireInMs: undefined, recordTtlMs: DAY });
        expect(open_!.record).toEqual({ at: open_!.record.at });
        expect(tagFreshness(open_!.record, open_!.record.at - 1, open_!.record.at + YEAR)).toBe('stale');
      });

      it('merges a later invalidation into the record: a soft one after a hard one keeps the hard floor', async () => {
        const store = open();
        const [hard] = await store.invalidate(['t'], { expireInMs: 0, recordTtlMs: DAY });
        await expect.poll(() => store.time()).toBeGreaterThan(hard!.record.at);
        const [soft] = await store.invalidate(['t'], { expireInMs: undefined, recordTtlMs: DAY });
        expect(soft!.record.at).toBeGreaterThan(hard!.record.at);
        expect(soft!.record.hardAt).toBe(hard!.record.at);
        const [stored] = await store.getTagRecords(['t']);
        expect(stored).toEqual(soft!.record);
        expect(tagFreshness(stored, hard!.record.at, soft!.record.at)).toBe('expired');
        expect(tagFreshness(stored, hard!.record.at + 1, soft!.record.at)).toBe('stale');
      });

      it('returns one journal entry per distinct tag, in order', async () => {
        const store = open();
        const entries = await store.invalidate(['x', 'y', 'x', 'z'], { expireInMs: 0, recordTtlMs: DAY });
        expect(entries.map((e) => e.tag)).toEqual(['x', 'y', 'z']);
        expect(new Set(entries.map((e) => e.cursor)).size).toBe(3);
        expect(await store.invalidate([], { expireInMs: 0, recordTtlMs: DAY })).toEqual([]);
      });

      it('keeps tag names of every kind exactly (unicode, separators, braces, JSON)', async () => {
        const store = open();
        const tags = ['viewlet:teaser:["3"]', 'user:ünïcode ✓', 'a{b}c', '_N_T_/products/1', 'x'.repeat(256), 'with spaces and: colons'];
        const written = await store.invalidate(tags, { expireInMs: 0, recordTtlMs: DAY });
        expect(written.map((e) => e.tag)).toEqual(tags);
        const records = await store.getTagRecords(tags);
        expect(records).toEqual(written.map((e) => e.record));
        const read = await store.readJournal(undefined);
        expect(read.entries).toEqual([]);
      });

      it('a new reader starts at the end of the journal; later invalidations come after its cursor, oldest first', async () => {
        const store = open();
        await store.invalidate(['before'], { expireInMs: 0, recordTtlMs: DAY });
        const start = await store.readJournal(undefined);
        expect(start).toMatchObject({ entries: [], more: false, gap: false });
        expect(typeof start.cursor).toBe('string');
        expect(start.now).toBeGreaterThan(0);
        expect(start.coveredSince).toBeLessThanOrEqual(start.now);

        const nothing = await store.readJournal(start.cursor);
        expect(nothing).toMatchObject({ cursor: start.cursor, entries: [], more: false, gap: false });

        const first = await store.invalidate(['a', 'b'], { expireInMs: 0, recordTtlMs: DAY });
        const second = await store.invalidate(['c'], { expireInMs: 60_000, recordTtlMs: DAY });
        const read = await store.readJournal(start.cursor);
        expect(read.entries).toEqual([...first, ...second]);
        expect(read.cursor).toBe(second[0]!.cursor);
        expect(read).toMatchObject({ more: false, gap: false });
        expect(await store.readJournal(read.cursor)).toMatchObject({ cursor: read.cursor, entries: [] });
      });

      it('reads at most `limit` entries and says when more follow', async () => {
        const store = open();
        const { cursor } = await store.readJournal(undefined);
        const written = await store.invalidate(['1', '2', '3', '4', '5'], { expireInMs: 0, recordTtlMs: DAY });
        const page = await store.readJournal(cursor, 2);
        expect(page.entries).toEqual(written.slice(0, 2));
        expect(page.more).toBe(true);
        const rest = await store.readJournal(page.cursor, 10);
        expect(rest.entries).toEqual(written.slice(2));
        expect(rest.more).toBe(false);
      });

      it('trims the journal by length: a reader that fell behind is told of the gap, one that kept up is not', async () => {
        const store = open(randomPrefix(target.name), { journalMaxLength: 3 });
        const { cursor: behind } = await store.readJournal(undefined);
        await store.invalidate(['a', 'b'], { expireInMs: 0, recordTtlMs: DAY });
        const { cursor: upToDate } = await store.readJournal(behind);
        await store.invalidate(['c', 'd', 'e'], { expireInMs: 0, recordTtlMs: DAY });
        const late = await store.readJournal(behind);
        expect(late.gap).toBe(true);
        expect(late.entries.map((e) => e.tag)).toEqual(['c', 'd', 'e']);
        const onTime = await store.readJournal(upToDate);
        expect(onTime.gap).toBe(false);
        expect(onTime.entries.map((e) => e.tag)).toEqual(['c', 'd', 'e']);
        // The records themselves stay: the source of truth after a gap.
        expect((await store.getTagRecords(['a', 'b'])).every((r) => r !== null)).toBe(true);
        expect(late.coveredSince).toBeGreaterThan((await store.getTagRecords(['b']))[0]!.at);
      });

      it('refuses a cursor it did not give out', async () => {
        const store = open();
        await expect(store.readJournal('not a cursor')).rejects.toMatchObject({ code: 'E_STORE_FAILED' });
      });

      it('drops a tag record after its TTL', async () => {
        const store = open();
        await store.invalidate(['short'], { expireInMs: 0, recordTtlMs: 150 });
        expect((await store.getTagRecords(['short']))[0]).not.toBeNull();
        await expect.poll(async () => (await store.getTagRecords(['short']))[0], POLL).toBeNull();
      });

      it('isolates tag records and journals by prefix', async () => {
        const a = open(randomPrefix('a'));
        const b = open(randomPrefix('b'));
        const { cursor } = await b.readJournal(undefined);
        await a.invalidate(['shared-name'], { expireInMs: 0, recordTtlMs: DAY });
        expect(await b.getTagRecords(['shared-name'])).toEqual([null]);
        expect((await b.readJournal(cursor)).entries).toEqual([]);
      });
    });

    it('refuses to work after close()', async () => {
      const store = target.create(randomPrefix(target.name));
      await store.getMany(['warm-up']);
      await store.close();
      await expect(store.getMany(['k'])).rejects.toMatchObject({ code: 'E_STORE_CLOSED' });
    });
  });
}
