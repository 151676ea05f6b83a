/**
 * One call of a viewlet (`<Viewlet>` or an island), counted by outcome and
 * logged under `VIEWLET_DEBUG`: `viewlet "product-teaser": miss in 312.4 ms`.
 */
import { debugEnabled, debugLog } from '../util/log.ts';
import { type CallOutcome, metricsEnabled, viewletCounters } from './metrics-registry.ts';
import { errorCounted } from './timed-render.ts';
import { inViewletCall, outcomeOf, type ViewletCall } from './viewlet-call.ts';

export interface TrackedCall {
  /** Runs the call of the cached function, so the cache handler can tell what it found. */
  cached<T>(fn: () => T): T;
  /** The viewlet is rendered without the cache (never cached, or caching is off). */
  uncached(): void;
  /** The call succeeded. */
  done(): void;
  /** The call failed (not for Next's own control-flow errors). */
  failed(error: unknown): void;
}

/** Starts tracking a call of viewlet `name`; undefined when neither metrics nor the debug log are on. */
export function trackViewletCall(name: string): TrackedCall | undefined {
  const counting = metricsEnabled();
  const logging = debugEnabled();
  if (!counting && !logging) return undefined;
  const started = performance.now();
  const call: ViewletCall = { name };
  let outcome: (() => CallOutcome) | undefined;

  const finish = (error?: unknown) => {
    const result = outcome?.();
    if (counting) {
      const row = viewletCounters(name);
      if (result) row[result] += 1;
      if (error !== undefined && !errorCounted(error)) row.error += 1;
    }
    if (logging) {
      const ms = (performance.now() - started).toFixed(1);
      const what = result ?? 'not reached';
      debugLog('viewlet', error === undefined ? `"${name}": ${what} in ${ms} ms` : `"${name}": ${what}, failed after ${ms} ms`);
    }
  };

  return {
    cached(fn) {
      outcome = () => outcomeOf(call);
      return inViewletCall(call, fn);
    },
    uncached() {
      outcome = () => 'uncached';
    },
    done: () => finish(),
    failed: (error) => finish(error ?? new Error('undefined was thrown')),
  };
}
