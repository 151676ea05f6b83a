/**
 * A store as the cache sees it: every call has a deadline, goes through a
 * circuit breaker, and counts its failures. Calls still reject on failure; the
 * cache turns a rejection into a miss (or into using its first tier).
 */
import { isViewletError, ViewletError } from '../core/errors.ts';
import { clearWarning, debugLog, defaultLog, warnOnce } from '../util/log.ts';
import { storeTimeout } from '../stores/store-call.ts';
import { withTimeout } from '../util/with-timeout.ts';
import type { ViewletStore } from '../stores/types.ts';
import { countStat } from './cache-stats.ts';
import { createCircuitBreaker, type CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.ts';

export interface GuardOptions extends Omit<CircuitBreakerOptions, 'onChange'> {
  /** Deadline of every store call as seen by the cache, in ms. Default 500. */
  timeoutMs?: number;
  /** Name for stats and logs. Default: the store's name. */
  statsName?: string;
}

export interface GuardedStore extends ViewletStore {
  readonly breaker: CircuitBreaker;
}

type Method = 'getMany' | 'set' | 'setIfAbsent' | 'deleteIfEquals' | 'delete' | 'time';

export function guardStore(store: ViewletStore, options: GuardOptions = {}): GuardedStore {
  const timeoutMs = options.timeoutMs ?? 500;
  const name = options.statsName ?? store.name;
  const breaker = createCircuitBreaker({
    ...options,
    onChange(state) {
      if (state === 'open') {
        warnOnce(
          `breaker:${name}`,
          `cache store "${name}" is failing; rendering without it and retrying in ${options.cooldownMs ?? 5000} ms.`,
        );
      } else if (state === 'closed' && clearWarning(`breaker:${name}`)) {
        defaultLog.warn(`cache store "${name}" is back.`);
      }
    },
  });

  function guard<M extends Method>(method: M): ViewletStore[M] {
    const fn = store[method] as (...args: unknown[]) => Promise<unknown>;
    return (async (...args: unknown[]) => {
      if (!breaker.allow()) {
        countStat(name, 'error');
        throw new ViewletError('E_STORE_UNAVAILABLE', `cache store "${name}" is unavailable (circuit open after repeated failures).`);
      }
      try {
        const result = await withTimeout(fn.apply(store, args), timeoutMs, () =>
          storeTimeout(`cache store "${name}": ${method}`, timeoutMs),
        );
        breaker.success();
        return result;
      } catch (error) {
        breaker.failure();
        countStat(name, 'error');
        if (isViewletError(error, 'E_STORE_TIMEOUT')) countStat(name, 'timeout');
        debugLog('store', `${method} failed`, { store: name, error: error instanceof Error ? error.message : String(error) });
        throw error;
      }
    }) as ViewletStore[M];
  }

  return {
    name,
    shared: store.shared,
    breaker,
    getMany: guard('getMany'),
    set: guard('set'),
    setIfAbsent: guard('setIfAbsent'),
    deleteIfEquals: guard('deleteIfEquals'),
    delete: guard('delete'),
    time: guard('time'),
    close: () => store.close(),
  };
}
