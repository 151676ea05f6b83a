import { describe, expect, it } from 'vitest';
import { canonicalArgs } from '../../src/core/canonical-args.ts';
import { assertValidTag, collectTags, MAX_TAGS, viewletArgsTag, viewletTag } from '../../src/core/tags.ts';
import { expectViewletError } from '../support/errors.ts';

describe('tags', () => {
  it('builds readable automatic tags for short args', () => {
    expect(viewletTag('teaser')).toBe('viewlet:teaser');
    expect(viewletArgsTag('teaser', canonicalArgs(['3']))).toBe('viewlet:teaser:["3"]');
  });

  it('hashes long args so the tag stays within limits and stays stable', () => {
    const long = canonicalArgs(['x'.repeat(500)]);
    const tag = viewletArgsTag('teaser', long);
    expect(tag).toMatch(/^viewlet:teaser#[\w-]{22}$/);
    expect(viewletArgsTag('teaser', canonicalArgs(['x'.repeat(500)]))).toBe(tag);
    expect(viewletArgsTag('teaser', canonicalArgs(['y'.repeat(500)]))).not.toBe(tag);
  });

  it('gives equal tags to args that differ only in key order', () => {
    expect(viewletArgsTag('v', canonicalArgs([{ a: 1, b: 2 }]))).toBe(viewletArgsTag('v', canonicalArgs([{ b: 2, a: 1 }])));
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(257)],
    ['control chars', 'a\nb'],
    ['reserved prefix', '_N_T_/products'],
    ['not a string', 42],
  ])('rejects a %s tag', (_label, tag) => {
    expectViewletError(() => assertValidTag(tag), 'E_INVALID_TAG');
  });

  it('accepts a 256-char tag and de-duplicates', () => {
    expect(() => assertValidTag('x'.repeat(256))).not.toThrow();
    expect(collectTags('v', ['a', 'b', 'a'])).toEqual(['a', 'b']);
  });

  it('refuses more tags than Next allows', () => {
    const tags = Array.from({ length: MAX_TAGS + 1 }, (_, i) => `t${i}`);
    expectViewletError(() => collectTags('v', tags), 'E_TOO_MANY_TAGS');
    expect(collectTags('v', tags.slice(0, MAX_TAGS))).toHaveLength(MAX_TAGS);
  });
});
