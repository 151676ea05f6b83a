/**
 * A store as the cache sees it: every call has a deadline that judges the
 * store rather than this process's event loop (see `deadline.ts`), goes
 * through a circuit breaker that counts real faults only, and is counted.
 *
 * Reads (and the lock and lease claims on the read path) give up at the read
 * deadline, so no page waits on a slow store. Writes (entries, invalidations,
 * lock releases) have their own, longer bound: they complete in the background
 * instead of being abandoned when a busy moment makes a reply late.
 *
 * The store's first connection (importing the client, connecting, learning a
 * cluster's topology) is not a read: it has a deadline of its own, and the
 * calls made meanwhile wait for it before their own deadline starts. Judged by
 * the read deadline instead, a burst of cold requests at start-up, which slows
 * that first connection down (measured on a 3-master cluster: 600-900 ms),
 * opened the circuit on a healthy store and every viewlet rendered on every
 * instance for the cool-down.
 */
import { isViewletError, ViewletError } from '../core/errors.ts';
import type { ViewletStore } from '../stores/types.ts';
import { defaultLog, type Log } from '../util/log.ts';
import { countStat } from './cache-stats.ts';
import { type CircuitBreaker, type CircuitBreakerOptions, createCircuitBreaker } from './circuit-breaker.ts';
import { blamesStore, withDeadline } from './deadline.ts';

export interface GuardOptions extends Omit<CircuitBreakerOptions, 'onChange' | 'confirm'> {
  /**
   * Deadline of every read as seen by the cache, in ms (time the store has, not counting event-loop lag).
   * @default 500
   */
  timeoutMs?: number;
  /**
   * Deadline of every write (entries, invalidations), in ms.
   * @default 5000
   */
  writeTimeoutMs?: number;
  /**
   * Deadline of the store's first connection, in ms (see the module comment): the first pages
   * wait this long at most for a store that does not answer, then the circuit judges it.
   * @default 2000
   */
  openTimeoutMs?: number;
  /**
   * Most extra time a call is given because this process's event loop was blocked, in ms.
   * @default 4 × timeoutMs for reads, writeTimeoutMs for writes
   */
  maxLagExtensionMs?: number;
  /**
   * Deadline of the check that confirms a first failure (the store's clock, asked right after it), in ms:
   * when that fails too, the circuit opens at once. 0 turns the check off.
   * @default timeoutMs / 2
   */
  confirmTimeoutMs?: number;
  /** Name for stats and logs. Default: the store's name. */
  statsName?: string;
  /** Where warnings go. Default: the process log. */
  log?: Log;
}

export interface GuardedStore extends ViewletStore {
  readonly breaker: CircuitBreaker;
}

type Method = Exclude<keyof ViewletStore, 'name' | 'shared' | 'close'>;

const READS: readonly Method[] = ['getMany', 'setIfAbsent', 'time', 'getTagRecords', 'readJournal'];
const WRITES: readonly Method[] = ['set', 'deleteIfEquals', 'delete', 'invalidate'];

export function guardStore(store: ViewletStore, options: GuardOptions = {}): GuardedStore {
  const readMs = options.timeoutMs ?? 500;
  const writeMs = options.writeTimeoutMs ?? 5000;
  const name = options.statsName ?? store.name;
  const log = options.log ?? defaultLog;
  // The fault that opened the circuit, for its warning: an operator reads why, not only that.
  let lastFault = '';
  const confirmMs = options.confirmTimeoutMs ?? readMs / 2;
  const confirm = async (): Promise<boolean | undefined> => {
    try {
      const what = `cache store "${name}": time (confirming a failure)`;
      await withDeadline(store.time(), { ms: confirmMs, maxExtensionMs: 4 * confirmMs, what, ...(options.now && { now: options.now }) });
      return true;
    } catch (error) {
      // An inconclusive check tells nothing; a failing one keeps the first failure as the fault to report.
      return blamesStore(error) ? false : undefined;
    }
  };
  // The first connection, shared by the calls made meanwhile; null once it settled (either way).
  const openMs = options.openTimeoutMs ?? 2000;
  let opening: Promise<void> | null | undefined = store.open ? undefined : null;
  const opened = (): Promise<void> | null => {
    if (opening === null) return null;
    opening ??= withDeadline(store.open!(), {
      ms: openMs,
      maxExtensionMs: openMs,
      what: `cache store "${name}": open (first connection)`,
      ...(options.now && { now: options.now }),
    }).finally(() => {
      opening = null;
    });
    return opening;
  };
  const breaker = createCircuitBreaker({
    ...options,
    ...(confirmMs > 0 && { confirm }),
    onChange(state) {
      if (state === 'open') {
        log.warnOnce(
          `breaker:${name}`,
          `cache store "${name}" is failing (last: ${lastFault}); rendering without it and retrying in ${options.cooldownMs ?? 5000} ms.`,
        );
      } else if (state === 'closed' && log.clearWarning(`breaker:${name}`)) {
        log.warn(`cache store "${name}" is back.`);
      }
    },
  });

  function guard<M extends Method>(method: M, ms: number, maxExtensionMs: number, write = false): ViewletStore[M] {
    const fn = store[method] as (...args: unknown[]) => Promise<unknown>;
    const what = `cache store "${name}": ${method}`;
    return (async (...args: unknown[]) => {
      if (!breaker.allow()) {
        countStat(name, 'error');
        throw new ViewletError('E_STORE_UNAVAILABLE', `cache store "${name}" is unavailable (circuit open after repeated failures).`);
      }
      const startedAt = (options.now ?? Date.now)();
      try {
        const connecting = opened();
        if (connecting) await connecting; // no extra turn once connected
        const result = await withDeadline(fn.apply(store, args), { ms, maxExtensionMs, what, ...(options.now && { now: options.now }) });
        breaker.success();
        return result;
      } catch (error) {
        if (blamesStore(error)) {
          lastFault = `${method}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300);
          // A failed read is confirmed by a quick check; a write (its own, longer deadline) is not.
          breaker.failure(startedAt, { confirm: !write });
          countStat(name, 'error');
          if (isViewletError(error, 'E_STORE_TIMEOUT')) countStat(name, 'timeout');
        } else {
          breaker.neutral();
          countStat(name, 'lagTimeout');
        }
        log.debug('store', `${method} failed`, { store: name, error: error instanceof Error ? error.message : String(error) });
        throw error;
      }
    }) as ViewletStore[M];
  }

  const guarded = { name, shared: store.shared, breaker, close: () => store.close() } as GuardedStore;
  const mutable = guarded as unknown as Record<Method, unknown>;
  for (const method of READS) mutable[method] = guard(method, readMs, options.maxLagExtensionMs ?? 4 * readMs);
  for (const method of WRITES) mutable[method] = guard(method, writeMs, options.maxLagExtensionMs ?? writeMs, true);
  return guarded;
}
