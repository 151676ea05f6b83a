/** Invalidation targets are checked for type before anything reaches Next: typed refusals, never a TypeError. */
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { viewlet } from '../../src/core/define.ts';
import { isViewletError } from '../../src/core/errors.ts';
import { clearRegistry } from '../../src/core/registry.ts';
import { expireViewlet, refreshViewlet, revalidateViewlet } from '../../src/next/invalidate.ts';

const teaser = viewlet({ name: 'inv-teaser', args: z.tuple([z.string()]) }, (_ctx, id: string) => id);
afterAll(() => clearRegistry());

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return isViewletError(error) ? error.code : `not a ViewletError: ${error}`;
  }
  return undefined;
}

describe('invalidation targets', () => {
  it.each([
    ['a number', 42],
    ['null', null],
    ['a bigint', 10n],
    ['a plain object', { tag: 'x' }],
    ['a viewlet look-alike without a name', { kind: 'viewlet' }],
  ])('refuses %s with E_INVALID_ARGS', async (_label, target) => {
    expect(await codeOf(revalidateViewlet(target as never))).toBe('E_INVALID_ARGS');
    expect(await codeOf(expireViewlet(target as never))).toBe('E_INVALID_ARGS');
  });

  it('refuses a viewlet that is not registered with E_UNKNOWN_VIEWLET', async () => {
    expect(await codeOf(revalidateViewlet({ ...teaser, name: 'inv-not-loaded' }))).toBe('E_UNKNOWN_VIEWLET');
  });

  it('refuses args that are not an array, and args its schema refuses, with E_INVALID_ARGS', async () => {
    expect(await codeOf(revalidateViewlet(teaser, '1' as never))).toBe('E_INVALID_ARGS');
    expect(await codeOf(revalidateViewlet(teaser, [1]))).toBe('E_INVALID_ARGS');
    expect(await codeOf(revalidateViewlet('product:1', ['1']))).toBe('E_INVALID_ARGS');
  });

  it('refuses refresh variants that are not overrides', async () => {
    for (const variants of [{}, [null], [{ path: 5 }], [{ user: 1 }], [{ admin: true }], Array(101).fill({})]) {
      expect(await codeOf(refreshViewlet(teaser, ['1'], { variants: variants as never })), JSON.stringify(variants).slice(0, 40)).toBe(
        'E_INVALID_ARGS',
      );
    }
  });
});
