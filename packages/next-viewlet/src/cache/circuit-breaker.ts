/**
 * A circuit breaker: after `failureThreshold` consecutive failures it opens and
 * refuses calls for `cooldownMs`, so a dead store is not hammered and requests
 * stop waiting for its timeouts. Then one probe call is let through
 * (half-open): success closes the circuit, failure opens it for another cool-down.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long the circuit stays open before a probe, in ms. Default 5000. */
  cooldownMs?: number;
  /** Called when the state changes (for logs). */
  onChange?: (state: CircuitState, previous: CircuitState) => void;
  /** The clock, ms. Default `Date.now`. */
  now?: () => number;
}

export interface CircuitBreaker {
  readonly state: CircuitState;
  /** Whether a call may go ahead now. In half-open state only one probe is allowed at a time. */
  allow(): boolean;
  success(): void;
  failure(): void;
  /** A call that ended without telling whether the store works (an inconclusive timeout): frees a probe slot. */
  neutral(): void;
}

export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const threshold = Math.max(1, options.failureThreshold ?? 5);
  const cooldownMs = Math.max(0, options.cooldownMs ?? 5000);
  const now = options.now ?? Date.now;
  let state: CircuitState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let probing = false;

  const move = (next: CircuitState) => {
    if (next === state) return;
    const previous = state;
    state = next;
    options.onChange?.(next, previous);
  };

  return {
    get state() {
      return state;
    },
    allow() {
      if (state === 'closed') return true;
      if (state === 'open') {
        if (now() - openedAt < cooldownMs) return false;
        move('half-open');
      }
      if (probing) return false;
      probing = true;
      return true;
    },
    success() {
      failures = 0;
      probing = false;
      move('closed');
    },
    neutral() {
      probing = false;
    },
    failure() {
      probing = false;
      failures += 1;
      if (state === 'half-open' || failures >= threshold) {
        openedAt = now();
        move('open');
      }
    },
  };
}
