import { describe, expect, it } from 'vitest';
import { type CircuitState, createCircuitBreaker } from '../../src/cache/circuit-breaker.ts';
import { manualClock } from '../support/manual-clock.ts';

describe('circuit breaker', () => {
  it('opens after N consecutive failures, probes once after the cool-down, closes on success', () => {
    const clock = manualClock();
    const changes: CircuitState[] = [];
    const breaker = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 50, now: clock.now, onChange: (s) => changes.push(s) });
    breaker.failure();
    breaker.success(); // not consecutive
    breaker.failure();
    breaker.failure();
    expect(breaker.state).toBe('closed');
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.allow()).toBe(false);
    clock.advance(49);
    expect(breaker.allow()).toBe(false);
    clock.advance(1);
    expect(breaker.allow()).toBe(true); // the probe
    expect(breaker.state).toBe('half-open');
    expect(breaker.allow()).toBe(false); // one probe at a time
    breaker.success();
    expect(breaker.state).toBe('closed');
    expect(breaker.allow()).toBe(true);
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('re-opens for another cool-down when the probe fails', () => {
    const clock = manualClock();
    const breaker = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 40, now: clock.now });
    breaker.failure();
    clock.advance(40);
    expect(breaker.allow()).toBe(true);
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.allow()).toBe(false);
    clock.advance(40);
    expect(breaker.allow()).toBe(true);
  });

  it('a neutral outcome (an inconclusive timeout) neither opens nor closes it, and frees the probe', () => {
    const clock = manualClock();
    const breaker = createCircuitBreaker({ failureThreshold: 2, cooldownMs: 10, now: clock.now });
    breaker.failure();
    for (let i = 0; i < 10; i++) breaker.neutral();
    expect(breaker.state).toBe('closed');
    breaker.failure();
    expect(breaker.state).toBe('open');
    clock.advance(10);
    expect(breaker.allow()).toBe(true);
    breaker.neutral();
    expect(breaker.state).toBe('half-open');
    expect(breaker.allow()).toBe(true); // another probe may go
  });
});
