import { codeOf, codeOfRejection } from '../support/errors.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { viewlet } from '../../src/core/define.ts';
import { admitIsland, MAX_ISLAND_ARGS_BYTES, resolveIsland } from '../../src/core/island.ts';
import { createRefusalLog } from '../../src/core/refusal-log.ts';
import { clearRegistry } from '../../src/core/registry.ts';

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
    await expect(resolveIsland('nope', [])).rejects.toMatchObject({
      code: 'E_NOT_ISLAND',
      message: /no viewlet named "nope" may be loaded/,
    });
    await expect(resolveIsland('private-nav', [])).rejects.toMatchObject({ code: 'E_NOT_ISLAND', message: /"private-nav"/ });
    expect(await codeOfRejection(resolveIsland('x'.repeat(1000), []))).toBe('E_NOT_ISLAND');
    expect(await codeOfRejection(resolveIsland('__proto__', []))).toBe('E_NOT_ISLAND');
  });

  it.each([
    ['a number', 42],
    ['null', null],
    ['an object without a prototype', Object.create(null)],
    [
      'an object whose toString throws',
      {
        toString: () => {
          throw new Error('boom');
        },
      },
    ],
    ['a symbol', Symbol('recs')],
    ['an array', ['recs']],
    ['a bigint', 10n],
  ])('refuses a name that is %s with E_INVALID_ARGS, never a TypeError', async (_label, name) => {
    define();
    expect(await codeOfRejection(resolveIsland(name, []))).toBe('E_INVALID_ARGS');
  });

  it('refuses bad args before any render', async () => {
    define();
    await expect(resolveIsland('recs', ['9'])).rejects.toMatchObject({ code: 'E_INVALID_ARGS', message: /"recs" got invalid args/ });
    expect(await codeOfRejection(resolveIsland('recs', ['1', 99]))).toBe('E_INVALID_ARGS');
    await expect(resolveIsland('recs', 'not-an-array')).rejects.toMatchObject({ code: 'E_INVALID_ARGS', message: /must be an array/ });
    await expect(resolveIsland('recs', ['1', 'x'.repeat(MAX_ISLAND_ARGS_BYTES)])).rejects.toMatchObject({ message: /at most 8192/ });
    expect(await codeOfRejection(resolveIsland('recs', [10n]))).toBe('E_INVALID_ARGS');
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(await codeOfRejection(resolveIsland('recs', cyclic))).toBe('E_INVALID_ARGS');
  });

  it('turns a schema that throws into E_INVALID_ARGS', async () => {
    viewlet(
      {
        name: 'fragile',
        island: true,
        args: z.tuple([z.any()]).refine(([value]) => (value as { id: string }).id.length > 0),
      },
      (_ctx, _value: unknown) => null,
    );
    expect(await codeOfRejection(resolveIsland('fragile', [null]))).toBe('E_INVALID_ARGS');
  });

  it('requires a schema on every island', () => {
    expect(codeOf(() => viewlet({ name: 'bare', island: true }, () => null))).toBe('E_INVALID_DEFINITION');
  });
});

describe('admitIsland', () => {
  it('answers 1,000 malformed calls with clear refusals while the log holds one line per kind', async () => {
    define();
    const lines: string[] = [];
    const refusals = createRefusalLog({ now: () => 1_000, log: { warn: (line) => lines.push(line) } });
    const calls: [unknown, unknown][] = [
      [42, []],
      [{}, []],
      [null, null],
      ['nope', []],
      ['private-nav', []],
      ['recs', 'x'],
      ['recs', ['9']],
      ['recs', [{ __proto__: { id: 1 } }]],
    ];
    const codes = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const [name, args] = calls[i % calls.length]!;
      const answer = await admitIsland(name, args, `client-${i}`, { refusals });
      expect(answer.ok, `call ${i}`).toBe(false);
      if (!answer.ok) {
        expect(answer.message.length).toBeGreaterThan(10);
        expect(answer.message).not.toMatch(/^\[next-viewlet\]/);
        codes.add(answer.code);
      }
    }
    expect([...codes].sort()).toEqual(['E_INVALID_ARGS', 'E_NOT_ISLAND']);
    expect(lines).toHaveLength(2);
  });

  it('refuses a client past its budget before checking anything, and admits good calls from others', async () => {
    define();
    const refusals = createRefusalLog({ now: () => 1_000, log: { warn: () => {} } });
    for (let i = 0; i < 3; i++) await admitIsland('nope', [], 'flooder', { refusals, maxRefusalsPerMinute: 3 });
    expect(await admitIsland('recs', ['1'], 'flooder', { refusals, maxRefusalsPerMinute: 3 })).toMatchObject({
      ok: false,
      code: 'E_RATE_LIMITED',
    });
    expect(await admitIsland('recs', ['1'], 'someone-else', { refusals, maxRefusalsPerMinute: 3 })).toMatchObject({
      ok: true,
      args: ['1', 3],
    });
  });
});
