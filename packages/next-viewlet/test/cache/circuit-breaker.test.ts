import { describe, expect, it } from 'vitest';
import { createCircuitBreaker, type CircuitState } from '../../src/cache/circuit-breaker.ts';
import { createSingleFlight } from '../../src/cache/single-flight.ts';
import { sleep } from '../support/unhandled-rejections.ts';

describe('circuit breaker', () => {
  it('opens after N consecutive failures, probes once after the cool-down, closes on success', async () => {
    const changes: CircuitState[] = [];
    const breaker = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 50, onChange: (s) => changes.push(s) });
    breaker.failure();
    breaker.success(); // not consecutive
    breaker.failure();
    breaker.failure();
    expect(breaker.state).toBe('closed');
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.allow()).toBe(false);
    await sleep(60);
    expect(breaker.allow()).toBe(true); // the probe
    expect(breaker.state).toBe('half-open');
    expect(breaker.allow()).toBe(false); // one probe at a time
    breaker.success();
    expect(breaker.state).toBe('closed');
    expect(breaker.allow()).toBe(true);
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('re-opens for another cool-down when the probe fails', async () => {
    const breaker = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 40 });
    breaker.failure();
    await sleep(50);
    expect(breaker.allow()).toBe(true);
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.allow()).toBe(false);
  });
});

describe('single flight', () => {
  it('shares one execution among concurrent callers of a key, and forgets it after', async () => {
    const flight = createSingleFlight<number>();
    let runs = 0;
    const run = async () => {
      runs += 1;
      await sleep(10);
      return runs;
    };
    const results = await Promise.all([flight('a', run), flight('a', run), flight('b', run)]);
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
