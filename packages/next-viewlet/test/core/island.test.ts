import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { viewlet } from '../../src/core/define.ts';
import { MAX_ISLAND_ARGS_BYTES, resolveIsland } from '../../src/core/island.ts';
import { clearRegistry } from '../../src/core/registry.ts';
import { expectViewletError, expectViewletRejection } from '../support/errors.ts';

afterEach(() => clearRegistry());

function define() {
  viewlet({ name: 'private-nav' }, () => 'secret');
  return viewlet(
    { name: 'recs', vary: 'user', island: true, args: z.tuple([z.enum(['1', '2']), z.number().int().min(1).max(5).default(3)]) },
    (_ctx, id: '1' | '2', count: number) => `${id}:${count}`,
  );
}

describe('resolveIsland', () => {
  it('accepts an island with valid args and applies schema defaults', async () => {
    const recs = define();
    const resolved = await resolveIsland('recs', ['1']);
    expect(resolved.definition).toBe(recs);
    expect(resolved.args).toEqual(['1', 3]);
  });

  it('refuses unknown and non-island viewlets with the same message', async () => {
    define();
    await expectViewletRejection(resolveIsland('nope', []), 'E_NOT_ISLAND', /no viewlet named "nope" may be loaded as an island/);
    await expectViewletRejection(resolveIsland('private-nav', []), 'E_NOT_ISLAND', /no viewlet named "private-nav"/);
    await expectViewletRejection(resolveIsland(42, []), 'E_NOT_ISLAND');
    await expectViewletRejection(resolveIsland('x'.repeat(1000), []), 'E_NOT_ISLAND');
  });

  it('refuses bad args before any render', async () => {
    define();
    await expectViewletRejection(resolveIsland('recs', ['9']), 'E_INVALID_ARGS', /"recs" got invalid args/);
    await expectViewletRejection(resolveIsland('recs', ['1', 99]), 'E_INVALID_ARGS');
    await expect(resolveIsland('recs', 'not-an-array')).rejects.toThrow(/must be an array/);
    await expect(resolveIsland('recs', ['1', 'x'.repeat(MAX_ISLAND_ARGS_BYTES)])).rejects.toThrow(/at most 8192/);
  });

  it('requires a schema on every island', () => {
    expectViewletError(() => viewlet({ name: 'bare', island: true }, () => null), 'E_INVALID_DEFINITION', /no args schema/);
  });
});
