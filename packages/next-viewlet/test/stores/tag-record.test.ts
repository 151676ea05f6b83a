import { describe, expect, it } from 'vitest';
import { mergeTagRecord, parseTagRecord, type TagRecord, tagFreshness, unionTagRecords } from '../../src/stores/tag-record.ts';

const YEAR = 31_536_000_000;

describe('tagFreshness', () => {
  it('leaves entries generated after the invalidation fresh', () => {
    expect(tagFreshness({ at: 1000, expireAt: 1000 }, 1001, 5000)).toBe('fresh');
    expect(tagFreshness(undefined, 0, 5000)).toBe('fresh');
    expect(tagFreshness(parseTagRecord(null), 0, 5000)).toBe('fresh');
  });

  it('hard: expired from the invalidation on (generation start at or before it)', () => {
    const hard = { at: 1000, expireAt: 1000 };
    expect(tagFreshness(hard, 999, 1000)).toBe('expired');
    expect(tagFreshness(hard, 1000, 1000)).toBe('expired');
  });

  it("soft: stale until the invalidation's own expiry, then expired (not a year-long miss)", () => {
    const soft = { at: 1000, expireAt: 1000 + YEAR };
    expect(tagFreshness(soft, 500, 2000)).toBe('stale');
    expect(tagFreshness(soft, 500, 1000 + YEAR - 1)).toBe('stale');
    expect(tagFreshness(soft, 500, 1000 + YEAR)).toBe('expired');
    expect(tagFreshness({ at: 1000 }, 500, Number.MAX_SAFE_INTEGER)).toBe('stale');
  });

  it('honours an earlier hard floor under a later soft invalidation', () => {
    const record = { at: 2000, expireAt: 2000 + YEAR, hardAt: 1000 };
    expect(tagFreshness(record, 900, 3000)).toBe('expired');
    expect(tagFreshness(record, 1500, 3000)).toBe('stale');
  });
});

describe('mergeTagRecord', () => {
  it('writes a hard invalidation as expired at once', () => {
    expect(mergeTagRecord(null, 1000, 1000)).toEqual({ at: 1000, expireAt: 1000 });
    expect(mergeTagRecord({ at: 500, expireAt: 500 + YEAR }, 1000, 1000)).toEqual({ at: 1000, expireAt: 1000 });
  });

  it('writes a soft one with its expiry, or none', () => {
    expect(mergeTagRecord(null, 1000, 1000 + YEAR)).toEqual({ at: 1000, expireAt: 1000 + YEAR });
    expect(mergeTagRecord(null, 1000, undefined)).toEqual({ at: 1000 });
  });

  it('keeps a matured earlier invalidation as the hard floor', () => {
    expect(mergeTagRecord({ at: 500, expireAt: 500 }, 1000, 1000 + YEAR)).toEqual({ at: 1000, expireAt: 1000 + YEAR, hardAt: 500 });
    const twice = mergeTagRecord({ at: 1000, expireAt: 1000 + YEAR, hardAt: 500 }, 1000 + YEAR + 5, 1000 + 2 * YEAR);
    expect(twice).toEqual({ at: 1000 + YEAR + 5, expireAt: 1000 + 2 * YEAR, hardAt: 1000 });
  });

  it('keeps the earlier of two pending expiries (never serves past one)', () => {
    const merged = mergeTagRecord({ at: 1000, expireAt: 61_000 }, 2000, 2000 + YEAR);
    expect(merged).toEqual({ at: 2000, expireAt: 61_000 });
    expect(tagFreshness(merged, 500, 61_000)).toBe('expired');
  });

  it('never moves the invalidation time backwards (a store clock behind the writer)', () => {
    expect(mergeTagRecord({ at: 5000, expireAt: 5000 + YEAR }, 4000, 4000 + YEAR).at).toBe(5000);
  });

  it('parses what it writes, and ignores garbage', () => {
    const record: TagRecord = { at: 1, expireAt: 2, hardAt: 0 };
    expect(parseTagRecord(JSON.stringify(record))).toEqual(record);
    expect(parseTagRecord('{"at":"yesterday"}').at).toBe(Number.NEGATIVE_INFINITY);
    expect(parseTagRecord('not json').at).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('unionTagRecords', () => {
  it('keeps a soft invalidation soft when an older hard one is learnt after it', () => {
    // hard at 1000 (learnt late, e.g. written again after an outage), soft at 2000
    const union = unionTagRecords({ at: 2000, expireAt: 2000 + YEAR }, { at: 1000, expireAt: 1000 }, 3000);
    expect(union).toEqual({ at: 2000, expireAt: 2000 + YEAR, hardAt: 1000 });
    expect(tagFreshness(union, 1500, 3000)).toBe('stale');
    expect(tagFreshness(union, 900, 3000)).toBe('expired');
    expect(unionTagRecords({ at: 1000, expireAt: 1000 }, { at: 2000, expireAt: 2000 + YEAR }, 3000)).toEqual(union);
  });

  it('is a hard record when the newest invalidation is hard, and ignores never-invalidated', () => {
    expect(unionTagRecords({ at: 1000, expireAt: 1000 + YEAR }, { at: 2000, expireAt: 2000 }, 3000)).toEqual({ at: 2000, expireAt: 2000 });
    expect(unionTagRecords(parseTagRecord(null), { at: 5 }, 10)).toEqual({ at: 5 });
    expect(unionTagRecords(parseTagRecord(null), null, 10).at).toBe(Number.NEGATIVE_INFINITY);
  });
});
