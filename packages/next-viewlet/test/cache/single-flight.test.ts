import { describe, expect, it } from 'vitest';
import { createSingleFlight } from '../../src/cache/single-flight.ts';
import { deferred } from '../support/manual-clock.ts';

describe('single flight', () => {
  it('shares one execution among concurrent callers of a key, and forgets it after', async () => {
    const flight = createSingleFlight<number>();
    const gate = deferred();
    let runs = 0;
    const run = async () => {
      runs += 1;
      await gate.promise;
      return runs;
    };
    const pending = Promise.all([flight('a', run), flight('a', run), flight('b', run)]);
    gate.resolve();
    const results = await pending;
    expect(results[0]).toBe(results[1]);
    expect(runs).toBe(2);
    await flight('a', run);
    expect(runs).toBe(3);
  });

  it('shares a failure too, and lets the next call try again', async () => {
    const flight = createSingleFlight<string>();
    const failing = () => Promise.reject(new Error('down'));
    const results = await Promise.allSettled([flight('k', failing), flight('k', failing)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await flight('k', async () => 'up')).toBe('up');
  });
});
