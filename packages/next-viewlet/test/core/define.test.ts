import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { argsWhenNoneGiven, viewlet } from '../../src/core/define.ts';
import { clearRegistry, getViewlet, listViewlets } from '../../src/core/registry.ts';
import { expectViewletError, expectViewletRejection } from '../support/errors.ts';

afterEach(() => clearRegistry());

describe('viewlet()', () => {
  it('registers a definition with defaults', () => {
    const nav = viewlet({ name: 'nav' }, () => 'nav');
    expect(nav).toMatchObject({ kind: 'viewlet', name: 'nav', vary: 'sitewide', mode: 'output', island: false });
    expect(nav.life).toEqual({ kind: 'profile', profile: 'default' });
    expect(getViewlet('nav')).toBe(nav);
  });

  it('refuses a second, different viewlet with the same name', () => {
    viewlet({ name: 'dup' }, () => 'one');
    expectViewletError(() => viewlet({ name: 'dup' }, () => 'two'), 'E_DUPLICATE_NAME', /"dup"/);
  });

  it('accepts a re-evaluation of the same source (hot reload, a second module instance)', () => {
    const make = () => viewlet({ name: 'same', life: '5m' }, (ctx) => ctx.name);
    const first = make();
    const second = make();
    expect(getViewlet('same')).toBe(second);
    expect(first.fingerprint).toBe(second.fingerprint);
    expect(listViewlets()).toHaveLength(1);
  });

  it.each([
    ['an empty name', { name: '' }, 'E_INVALID_DEFINITION'],
    ['a name with spaces', { name: 'a b' }, 'E_INVALID_DEFINITION'],
    ['a 101-char name', { name: 'a'.repeat(101) }, 'E_INVALID_DEFINITION'],
    ['an unknown vary', { name: 'v', vary: 'country' }, 'E_INVALID_VARY'],
    ['a bad life', { name: 'v', life: '5 minutes' }, 'E_INVALID_LIFE'],
    ['tags that are not a list', { name: 'v', tags: 'x' }, 'E_INVALID_DEFINITION'],
    ['a bad static tag', { name: 'v', tags: ['_N_T_/x'] }, 'E_INVALID_TAG'],
    ['an args option that is no schema', { name: 'v', args: { parse() {} } }, 'E_INVALID_DEFINITION'],
  ] as const)('rejects %s with a clear error', (_label, options, code) => {
    const error = expectViewletError(() => viewlet(options as never, () => null), code);
    expect(error.message).not.toMatch(/^\[next-viewlet\]|E_[A-Z]/);
  });

  it('requires a render function', () => {
    expectViewletError(() => viewlet({ name: 'v' }, undefined as never), 'E_INVALID_DEFINITION', /render function/);
  });

  it('computes tags: automatic ones first, then its own from the args', () => {
    const teaser = viewlet({ name: 'teaser', tags: (id: string) => [`product:${id}`] }, (_ctx, id: string) => id);
    expect(teaser.tagsFor(['3'])).toEqual(['viewlet:teaser', 'viewlet:teaser:["3"]', 'product:3']);
  });

  it('rejects a tags function that returns bad tags at render time', () => {
    const bad = viewlet({ name: 'bad-tags', tags: () => ['ok', ''] }, () => null);
    expectViewletError(() => bad.tagsFor([]), 'E_INVALID_TAG');
  });

  it('canonicalises args so equal calls share one key', async () => {
    const v = viewlet({ name: 'search' }, (_ctx, q: { term: string; page?: number }) => q.term);
    expect(await v.normalizeArgs([{ term: 'a', page: undefined }])).toEqual(await v.normalizeArgs([{ term: 'a' }]));
    await expectViewletRejection(v.normalizeArgs([() => 1]), 'E_INVALID_ARGS', /"search"/);
    await expect(v.normalizeArgs('nope' as never)).rejects.toThrow(/must be an array/);
  });

  it('validates args and applies defaults with a Standard Schema', async () => {
    const v = viewlet(
      { name: 'list', args: z.tuple([z.string().min(1), z.number().int().default(1)]) },
      (_ctx, category: string, page: number) => `${category}:${page}`,
    );
    expect(await v.normalizeArgs(['shoes'])).toEqual(['shoes', 1]);
    expect(await v.normalizeArgs(['shoes', 1])).toEqual(['shoes', 1]);
    await expectViewletRejection(v.normalizeArgs(['']), 'E_INVALID_ARGS', /"list" got invalid args: 0:/);
    await expectViewletRejection(v.normalizeArgs(['shoes', 1.5]), 'E_INVALID_ARGS');
  });

  it('has a data mode that keeps load and render apart', async () => {
    const stock = viewlet(
      { name: 'stock', load: async (_ctx, id: string) => ({ id, count: 3 }) },
      (ctx) => `${ctx.data.id}:${ctx.data.count}`,
    );
    expect(stock.mode).toBe('data');
    expect(await stock.load?.({ name: 'stock' }, 'a')).toEqual({ id: 'a', count: 3 });
    expect(stock.render({ name: 'stock', data: { id: 'a', count: 3 } }, 'a')).toBe('a:3');
  });
});

describe('registry under next dev', () => {
  it('lets a hot-reloaded definition replace the old one', async () => {
    const { vi } = await import('vitest');
    vi.stubEnv('NODE_ENV', 'development');
    try {
      viewlet({ name: 'hot' }, () => 'before edit');
      const edited = viewlet({ name: 'hot' }, () => 'after edit');
      expect(getViewlet('hot')).toBe(edited);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('argsWhenNoneGiven (what refreshViewlet re-renders when given no args)', () => {
  it('applies the schema defaults, like <Viewlet of={v} /> does, so the refresh fills the entry pages read', async () => {
    const counted = viewlet({ name: 'counted', args: z.tuple([z.number().default(3)]) }, (_ctx, count = 3) => count);
    expect(await argsWhenNoneGiven(counted)).toEqual(await counted.normalizeArgs([]));
    expect(await argsWhenNoneGiven(counted)).toEqual([3]);
  });

  it('is [] for a render without args and no schema', async () => {
    expect(await argsWhenNoneGiven(viewlet({ name: 'plain' }, () => 'x'))).toEqual([]);
  });

  it('is undefined when the render takes args, or the schema refuses none', async () => {
    expect(await argsWhenNoneGiven(viewlet({ name: 'one-arg' }, (_ctx, id: string) => id))).toBeUndefined();
    const strict = viewlet({ name: 'strict', args: z.tuple([z.string()]) }, (...all: unknown[]) => all.length);
    expect(await argsWhenNoneGiven(strict)).toBeUndefined();
  });
});
