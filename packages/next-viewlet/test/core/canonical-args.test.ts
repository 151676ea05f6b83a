import { describe, expect, it } from 'vitest';
import { argsKey, canonicalArgs, shortHash } from '../../src/core/canonical-args.ts';
import { expectViewletError } from '../support/errors.ts';

describe('canonicalArgs', () => {
  it('sorts object keys at every depth', () => {
    const a = canonicalArgs([{ b: 1, a: { d: 2, c: [{ z: 1, y: 2 }] } }]);
    const b = canonicalArgs([{ a: { c: [{ y: 2, z: 1 }], d: 2 }, b: 1 }]);
    expect(argsKey(a)).toBe(argsKey(b));
    expect(argsKey(a)).toBe('[{"a":{"c":[{"y":2,"z":1}],"d":2},"b":1}]');
  });

  it('drops trailing undefined args and undefined fields, keeps inner undefined as null', () => {
    expect(canonicalArgs(['a', undefined, undefined])).toEqual(['a']);
    expect(canonicalArgs([undefined, 'a'])).toEqual([null, 'a']);
    expect(canonicalArgs([{ a: undefined, b: 1 }])).toEqual([{ b: 1 }]);
  });

  it('normalises -0 and copies dates', () => {
    const date = new Date('2026-01-01T00:00:00Z');
    const [zero, copy] = canonicalArgs([-0, date]);
    expect(Object.is(zero, 0)).toBe(true);
    expect(copy).toEqual(date);
    expect(copy).not.toBe(date);
  });

  it('keeps key order from changing the key but keeps array order significant', () => {
    expect(argsKey(canonicalArgs([[1, 2]]))).not.toBe(argsKey(canonicalArgs([[2, 1]])));
  });

  it.each([
    ['a function', () => 1],
    ['a symbol', Symbol('x')],
    ['a class instance', new URL('https://example.com')],
    ['a Map', new Map()],
    ['NaN', Number.NaN],
    ['Infinity', Infinity],
    ['an invalid date', new Date('nope')],
  ])('rejects %s with E_INVALID_ARGS', (_label, value) => {
    expectViewletError(() => canonicalArgs([value]), 'E_INVALID_ARGS');
  });

  it('rejects cycles but accepts shared references', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalArgs([cyclic])).toThrow(/circular/);
    const shared = { x: 1 };
    expect(canonicalArgs([{ a: shared, b: shared }])).toEqual([{ a: { x: 1 }, b: { x: 1 } }]);
  });

  it('encodes bigint distinctly from numbers and strings', () => {
    expect(argsKey(canonicalArgs([1n]))).not.toBe(argsKey(canonicalArgs([1])));
  });
});

describe('shortHash', () => {
  it('is stable, url-safe and 22 chars', () => {
    expect(shortHash('abc')).toBe(shortHash('abc'));
    expect(shortHash('abc')).not.toBe(shortHash('abd'));
    expect(shortHash('abc')).toMatch(/^[\w-]{22}$/);
  });
});

describe('canonicalArgs: a "__proto__" key (e.g. from JSON.parse of browser or webhook args)', () => {
  it('keeps it as an own field: no key collision with the object without it, no prototype injection', () => {
    const parsed = JSON.parse('[{"__proto__":{"admin":true},"b":2}]') as unknown[];
    const canonical = canonicalArgs(parsed);
    const value = canonical[0] as Record<string, unknown>;
    expect(argsKey(canonical)).toBe('[{"__proto__":{"admin":true},"b":2}]');
    expect(argsKey(canonical)).not.toBe(argsKey(canonicalArgs([{ b: 2 }])));
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value.admin).toBeUndefined();
    expect(Object.keys(value)).toEqual(['__proto__', 'b']);
  });
});

describe('canonicalArgs: sparse arrays', () => {
  it('turns a hole into null, like an undefined item, so the render sees what the key says', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is what this test is about.
    const canonical = canonicalArgs([[, 1]]);
    const holey = canonical[0] as unknown[];
    expect(0 in holey).toBe(true);
    expect(holey).toEqual([null, 1]);
    expect(argsKey(canonical)).toBe(argsKey(canonicalArgs([[undefined, 1]])));
  });
});
