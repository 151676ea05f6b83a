/**
 * A circuit breaker: after `failureThreshold` consecutive failures, or after
 * two or more that span `openAfterMs` (a store that stopped answering while
 * requests share their calls fails rarely but for long), or when a quick
 * check made right after the first failure of a run (`confirm`) fails too, it
 * opens and refuses calls for `cooldownMs`, so a dead store is not hammered and
 * requests stop waiting for its timeouts. Then one probe call is let through
 * (half-open): success closes the circuit, failure opens it for another cool-down.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /**
   * Consecutive failures (at least 2) open the circuit once this long has passed since the
   * first of them was called, in ms, even below `failureThreshold`. Default 1000.
   */
  openAfterMs?: number;
  /**
   * Asked once, right after the first failure of a run of failures, whether the store still fails:
   * `false` opens the circuit at once, `true` (it answered) or `undefined` (it could not tell) leaves
   * the judgement to the calls that follow. A hung store behind shared calls fails one call per
   * deadline, so without it the circuit opens only on the second one. Default: none.
   */
  confirm?: () => Promise<boolean | undefined>;
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
  /**
   * A call that failed; `startedAt` is when it was made (default: now), on the breaker's clock.
   * `confirm: false` does not ask `confirm` (a write: its long deadline is not what the check is for).
   */
  failure(startedAt?: number, options?: { confirm?: boolean }): void;
  /** A call that ended without telling whether the store works (an inconclusive timeout): frees a probe slot. */
  neutral(): void;
}

export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const threshold = Math.max(1, options.failureThreshold ?? 5);
  const openAfterMs = Math.max(0, options.openAfterMs ?? 1000);
  const cooldownMs = Math.max(0, options.cooldownMs ?? 5000);
  const now = options.now ?? Date.now;
  let state: CircuitState = 'closed';
  let failures = 0;
  // When the first of the current run of failures was called.
  let failingSince = Number.POSITIVE_INFINITY;
  let openedAt = 0;
  let probing = false;
  // Ends with every success: a confirmation that comes back after one belongs to a run that is over.
  let run = 0;
  let confirming = false;

  const open = () => {
    openedAt = now();
    move('open');
  };
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
      run += 1;
      failures = 0;
      failingSince = Number.POSITIVE_INFINITY;
      probing = false;
      move('closed');
    },
    neutral() {
      probing = false;
    },
    failure(startedAt = now(), failureOptions = {}) {
      probing = false;
      failures += 1;
      failingSince = Math.min(failingSince, startedAt);
      const longFailing = failures >= 2 && now() - failingSince >= openAfterMs;
      if (state === 'half-open' || failures >= threshold || longFailing) {
        open();
        return;
      }
      if (failures === 1 && options.confirm && failureOptions.confirm !== false && !confirming) {
        confirming = true;
        const thisRun = run;
        options.confirm().then(
          (answered) => {
            confirming = false;
            if (answered === false && run === thisRun && state === 'closed' && failures > 0) open();
          },
          () => {
            confirming = false;
          },
        );
      }
    },
  };
}
