import { describe, expect, it, vi } from 'vitest';
import {
  createVariantBudget,
  MAX_NEW_VARIANTS_PER_REQUEST,
  VARIANT_IDLE_MS,
  type RequestAdmissions,
} from '../../src/core/variant-budget.ts';

const fresh = (): RequestAdmissions => ({ admitted: 0 });

describe('variant budget', () => {
  it('admits new variants up to the bound, keeps admitting known ones, and refuses the rest', () => {
    const budget = createVariantBudget({ now: () => 5_000 });
    for (let i = 0; i < 3; i++) expect(budget.admit('crumbs', { path: `/p/${i}` }, [], 3, fresh())).toBe('cached');
    expect(budget.admit('crumbs', { path: '/p/3' }, [], 3, fresh())).toBe('over-instance');
    expect(budget.admit('crumbs', { path: '/p/1' }, [], 3, fresh()), 'a known variant').toBe('cached');
    expect(budget.admit('other', { path: '/p/3' }, [], 3, fresh()), 'bounds are per viewlet').toBe('cached');
  });

  it('counts args as part of the variant', () => {
    const budget = createVariantBudget({ now: () => 5_000 });
    expect(budget.admit('teaser', {}, ['1'], 2, fresh())).toBe('cached');
    expect(budget.admit('teaser', {}, ['2'], 2, fresh())).toBe('cached');
    expect(budget.admit('teaser', {}, ['3'], 2, fresh())).toBe('over-instance');
    expect(budget.admit('teaser', {}, ['1'], 2, fresh())).toBe('cached');
  });

  it('frees the place of a variant unused for an hour', () => {
    let now = 5_000;
    const budget = createVariantBudget({ now: () => now });
    expect(budget.admit('acct', { user: 'a' }, [], 1, fresh())).toBe('cached');
    now += VARIANT_IDLE_MS - 1;
    expect(budget.admit('acct', { user: 'b' }, [], 1, fresh())).toBe('over-instance');
    now += 2_000;
    expect(budget.admit('acct', { user: 'b' }, [], 1, fresh())).toBe('cached');
    expect(budget.admit('acct', { user: 'a' }, [], 1, fresh()), 'a was forgotten, b holds the place').toBe('over-instance');
  });

  it('lets one request admit a bounded number of new variants', () => {
    const budget = createVariantBudget({ now: () => 5_000 });
    const request = fresh();
    const results = Array.from({ length: MAX_NEW_VARIANTS_PER_REQUEST + 5 }, (_, i) => budget.admit('search', {}, [i], 10_000, request));
    expect(results.filter((r) => r === 'cached')).toHaveLength(MAX_NEW_VARIANTS_PER_REQUEST);
    expect(results.at(-1)).toBe('over-request');
    expect(budget.admit('search', {}, [0], 10_000, request), 'known variants still hit').toBe('cached');
    expect(budget.admit('search', {}, [MAX_NEW_VARIANTS_PER_REQUEST + 1], 10_000, fresh()), 'the next request goes on').toBe('cached');
  });

  it('keeps a short hash per variant, however long its facts', () => {
    const budget = createVariantBudget({ now: () => 5_000 });
    expect(budget.admit('long', { user: 'x'.repeat(4096), path: `/${'y'.repeat(1000)}` }, [], 2, fresh())).toBe('cached');
    expect(budget.admit('long', { user: 'x'.repeat(4096), path: `/${'y'.repeat(1000)}` }, [], 2, fresh())).toBe('cached');
  });

  it('warns once per viewlet when it is full', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const budget = createVariantBudget({ now: () => 5_000 });
      budget.admit('full-once', { path: '/a' }, [], 1, fresh());
      budget.admit('full-once', { path: '/b' }, [], 1, fresh());
      budget.admit('full-once', { path: '/c' }, [], 1, fresh());
      expect(warn.mock.calls.filter(([line]) => String(line).includes('"full-once"'))).toHaveLength(1);
    } finally {
      warn.mockRestore();
    }
  });
});
