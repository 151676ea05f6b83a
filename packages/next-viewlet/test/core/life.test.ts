import { describe, expect, it } from 'vitest';
import { NEVER, parseDuration, resolveLife } from '../../src/core/life.ts';
import { expectViewletError } from '../support/errors.ts';

describe('parseDuration', () => {
  it.each([
    [0, 0],
    [90, 90],
    [1.9, 1],
    ['30s', 30],
    ['5m', 300],
    ['2h', 7200],
    ['1d', 86400],
    ['1w', 604800],
    ['1.5m', 90],
  ] as const)('%s → %s seconds', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each([-1, Number.NaN, Infinity, '5', '5x', 'm', '', ' ', '-5m', '5 minutes'])('rejects %s', (input) => {
    expectViewletError(() => parseDuration(input as never), 'E_INVALID_LIFE');
  });
});

describe('resolveLife', () => {
  it("defaults to Next's default profile", () => {
    expect(resolveLife(undefined)).toEqual({ kind: 'profile', profile: 'default' });
  });

  it('treats 0 as never cached', () => {
    expect(resolveLife(0)).toEqual({ kind: 'none' });
    expect(resolveLife('0s')).toEqual({ kind: 'none' });
    expect(resolveLife({ revalidate: 0, expire: 0 })).toEqual({ kind: 'none' });
  });

  it('treats every duration that comes to 0 seconds as 0 (never cached), not as revalidate: 0', () => {
    expect(resolveLife('0m')).toEqual({ kind: 'none' });
    expect(resolveLife('0.0h')).toEqual({ kind: 'none' });
    expect(resolveLife(0.5)).toEqual({ kind: 'none' });
  });

  it('reads a single duration as revalidate', () => {
    expect(resolveLife('5m')).toEqual({ kind: 'explicit', revalidate: 300 });
    expect(resolveLife(42)).toEqual({ kind: 'explicit', revalidate: 42 });
  });

  it("maps forever to Next's never", () => {
    expect(resolveLife('forever')).toEqual({ kind: 'explicit', revalidate: NEVER, expire: NEVER });
  });

  it('passes profile names through', () => {
    expect(resolveLife('hours')).toEqual({ kind: 'profile', profile: 'hours' });
    expect(resolveLife('my-profile')).toEqual({ kind: 'profile', profile: 'my-profile' });
  });

  it('parses objects field by field', () => {
    expect(resolveLife({ stale: '30s', revalidate: '5m', expire: '1d' })).toEqual({
      kind: 'explicit',
      stale: 30,
      revalidate: 300,
      expire: 86400,
    });
    expect(resolveLife({ revalidate: 10, expire: 'never' })).toEqual({ kind: 'explicit', revalidate: 10, expire: NEVER });
  });

  it('rejects expire shorter than revalidate, unknown fields and junk', () => {
    expect(() => resolveLife({ revalidate: '1h', expire: '5m' })).toThrow(/expire must be >= revalidate/);
    expect(() => resolveLife({ revalidat: 5 } as never)).toThrow(/unknown field/);
    expectViewletError(() => resolveLife('not a profile!'), 'E_INVALID_LIFE');
    expectViewletError(() => resolveLife(null as never), 'E_INVALID_LIFE');
    expectViewletError(() => resolveLife([] as never), 'E_INVALID_LIFE');
  });
});
