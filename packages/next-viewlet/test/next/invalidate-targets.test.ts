/** Invalidation targets are checked for type before anything reaches Next: typed refusals, never a TypeError. */
import { codeOfRejection } from '../support/errors.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { viewlet } from '../../src/core/define.ts';
import { clearRegistry } from '../../src/core/registry.ts';
import { expireViewlet, refreshViewlet, revalidateViewlet } from '../../src/next/invalidate.ts';

const teaser = viewlet({ name: 'inv-teaser', args: z.tuple([z.string()]) }, (_ctx, id: string) => id);
afterAll(() => clearRegistry());

describe('invalidation targets', () => {
  it.each([
    ['a number', 42],
    ['null', null],
    ['a bigint', 10n],
    ['a plain object', { tag: 'x' }],
    ['a viewlet look-alike without a name', { kind: 'viewlet' }],
  ])('refuses %s with E_INVALID_TARGET', async (_label, target) => {
    expect(await codeOfRejection(revalidateViewlet(target as never))).toBe('E_INVALID_TARGET');
    expect(await codeOfRejection(expireViewlet(target as never))).toBe('E_INVALID_TARGET');
  });

  it('refuses a viewlet that is not registered with E_UNKNOWN_VIEWLET', async () => {
    expect(await codeOfRejection(revalidateViewlet({ ...teaser, name: 'inv-not-loaded' }))).toBe('E_UNKNOWN_VIEWLET');
  });

  it('refuses args that are not an array, and args its schema refuses, with E_INVALID_ARGS', async () => {
    expect(await codeOfRejection(revalidateViewlet(teaser, '1' as never))).toBe('E_INVALID_ARGS');
    expect(await codeOfRejection(revalidateViewlet(teaser, [1] as never))).toBe('E_INVALID_ARGS');
    expect(await codeOfRejection(revalidateViewlet('product:1' as never, ['1'] as never))).toBe('E_INVALID_ARGS');
  });

  it('refuses refresh variants that are not overrides', async () => {
    for (const variants of [{}, [null], [{ path: 5 }], [{ user: 1 }], [{ admin: true }], Array(101).fill({})]) {
      expect(
        await codeOfRejection(refreshViewlet(teaser, ['1'], { variants: variants as never })),
        JSON.stringify(variants).slice(0, 40),
      ).toBe('E_INVALID_ARGS');
    }
  });
});
