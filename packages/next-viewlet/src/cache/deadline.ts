/**
 * Deadlines that judge the store, not this process's event loop.
 *
 * A reply the store sent in time can still be read late: when the event loop
 * is busy (a burst of renders), the deadline's timer and the socket's data
 * wait in the same queue, and each loop iteration runs due timers before it
 * reads sockets. Judged by the timer alone, a CPU spike looks like a store
 * failure: the circuit opens and the shared cache switches itself off exactly
 * when it is needed most (measured: 100 + 100 cold requests on two instances
 * rendered every viewlet twice).
 *
 * So when the timer fires, (1) I/O gets one more turn first (`setImmediate`
 * runs after the poll phase, where a reply that arrived meanwhile is read), and
 * (2) if the timer itself fired late, the loop was blocked for that long and
 * the store is owed that time again, up to `maxExtensionMs` in all. A deadline
 * that passes while the loop kept time is *conclusive*: the store did not
 * answer, a fault the circuit breaker may count. One that gives up only because
 * the extensions ran out is *inconclusive*: the caller still stops waiting (a
 * page never waits without bound) but the store is not blamed.
 */
import { ViewletError } from '../core/errors.ts';

export interface DeadlineOptions {
  /** Time the store has to answer, in ms. */
  ms: number;
  /** Most extra time granted for event-loop lag, in ms (0: none). */
  maxExtensionMs: number;
  /** What timed out, for the error message. */
  what: string;
  /** A timer this much later than scheduled, in ms, means the loop was blocked. Default: max(20, ms / 10). */
  lagThresholdMs?: number;
  /** The clock, ms. Default `Date.now`. */
  now?: () => number;
}

/** `E_STORE_TIMEOUT`; `conclusive` says whether the store is to blame (see the module comment). */
export class StoreTimeoutError extends ViewletError {
  readonly conclusive: boolean;

  constructor(what: string, ms: number, conclusive: boolean) {
    super(
      'E_STORE_TIMEOUT',
      conclusive
        ? `${what} got no answer within ${ms} ms; check the store's health or raise timeoutMs.`
        : `${what} got no answer within ${ms} ms while this process's event loop was blocked; the store is not blamed.`,
    );
    this.conclusive = conclusive;
  }
}

/** Whether a failed store call counts against the store (everything but an inconclusive timeout). */
export function blamesStore(error: unknown): boolean {
  return !(error instanceof StoreTimeoutError) || error.conclusive;
}

/** Settles like `work`, or rejects with a `StoreTimeoutError` (see the module comment). */
export function withDeadline<T>(work: Promise<T>, options: DeadlineOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const threshold = options.lagThresholdMs ?? Math.max(20, options.ms / 10);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let extended = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    work.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
    const arm = (delay: number) => {
      const due = now() + delay;
      timer = setTimeout(() => {
        const lateness = now() - due;
        setImmediate(() => {
          if (settled) return;
          const blocked = lateness > threshold;
          if (blocked && extended < options.maxExtensionMs) {
            const more = Math.min(lateness, options.maxExtensionMs - extended);
            extended += more;
            arm(more);
            return;
          }
          settled = true;
          reject(new StoreTimeoutError(options.what, options.ms, !blocked));
        });
      }, delay);
      timer.unref?.();
    };
    arm(options.ms);
  });
}
