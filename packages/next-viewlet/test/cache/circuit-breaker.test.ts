import { describe, expect, it } from 'vitest';
import { type CircuitState, createCircuitBreaker } from '../../src/cache/circuit-breaker.ts';
import { deferred, manualClock } from '../support/manual-clock.ts';

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

  it('opens below the threshold when failures span openAfterMs (a hung store behind shared calls fails rarely but for long)', () => {
    const clock = manualClock();
    const breaker = createCircuitBreaker({ failureThreshold: 5, openAfterMs: 1000, now: clock.now });
    const first = clock.now();
    clock.advance(500);
    breaker.failure(first); // called at 0, timed out at 500
    expect(breaker.state).toBe('closed'); // one failure never opens it, however long it took
    const second = clock.now();
    clock.advance(499);
    breaker.failure(second);
    expect(breaker.state).toBe('closed'); // 999 ms since the first call
    clock.advance(1);
    breaker.failure(clock.now());
    expect(breaker.state).toBe('open'); // three failures over 1000 ms
  });

  it('a success in between starts the span again', () => {
    const clock = manualClock();
    const breaker = createCircuitBreaker({ failureThreshold: 5, openAfterMs: 1000, now: clock.now });
    breaker.failure(clock.now());
    clock.advance(900);
    breaker.success();
    clock.advance(200);
    breaker.failure(clock.now() - 100);
    expect(breaker.state).toBe('closed');
    clock.advance(1000);
    breaker.failure(clock.now());
    expect(breaker.state).toBe('open');
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

  it('a first failure is confirmed once: a failing check opens it at once, an answered one leaves it closed', async () => {
    const checks: ReturnType<typeof deferred<boolean | undefined>>[] = [];
    const breaker = createCircuitBreaker({
      failureThreshold: 5,
      confirm: () => {
        const check = deferred<boolean | undefined>();
        checks.push(check);
        return check.promise;
      },
    });
    breaker.failure();
    breaker.failure(); // a second failure while the check runs asks nothing more
    expect(checks).toHaveLength(1);
    checks[0]?.resolve(true); // the store answered: a single slow reply
    await checks[0]?.promise;
    expect(breaker.state).toBe('closed');

    breaker.success();
    breaker.failure(); // a new run: asked again
    expect(checks).toHaveLength(2);
    checks[1]?.resolve(undefined); // could not tell (this process was blocked)
    await checks[1]?.promise;
    expect(breaker.state).toBe('closed');

    breaker.success();
    breaker.failure(undefined, { confirm: false }); // a write: not checked
    expect(checks).toHaveLength(2);
    breaker.success();
    breaker.failure();
    checks[2]?.resolve(false); // it fails too: a hung or dead store
    await checks[2]?.promise;
    expect(breaker.state).toBe('open');
  });

  it('a failing check that comes back after a success belongs to a run that is over', async () => {
    const check = deferred<boolean | undefined>();
    const breaker = createCircuitBreaker({ confirm: () => check.promise });
    breaker.failure();
    breaker.success();
    check.resolve(false);
    await check.promise;
    expect(breaker.state).toBe('closed');
  });
});
