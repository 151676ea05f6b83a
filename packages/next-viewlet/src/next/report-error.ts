import { describeError } from '../core/errors.ts';
import { getSettings } from '../core/settings.ts';
import { defaultLog } from '../util/log.ts';

const REPORTED = Symbol.for('next-viewlet.reported');
/** Most failures of one viewlet logged per window; the rest are counted into the next line. */
const BURST_WINDOW_MS = 60_000;
const bursts = new Map<string, { until: number; suppressed: number }>();

export interface ReportOptions {
  /**
   * Where it failed: `'render'` (the default: the visitor gets the fallback) or
   * `'cache'` (inside the cached function, possibly a background re-render:
   * visitors keep the stale copy while one exists).
   */
  where?: 'render' | 'cache';
  /** The clock, ms. @default Date.now */
  now?: number;
}

/** Marks an error as reported where it happened, so the callers it travels up to do not report it again. */
export function markReported<E>(error: E): E {
  if (error !== null && typeof error === 'object') Object.defineProperty(error, REPORTED, { value: true });
  return error;
}

/**
 * Reports a viewlet failure: one log line naming the viewlet (the logger adds
 * the `[next-viewlet]` prefix, the error adds its code), at most one per viewlet
 * and minute (a failing data source hit by every request must not flood the
 * log: the next line says how many were left out), then the `onError` hook,
 * for every failure. An error already reported where it happened is skipped.
 */
export function reportViewletError(name: string, error: unknown, options: ReportOptions = {}): void {
  if (error !== null && typeof error === 'object' && (error as Record<symbol, unknown>)[REPORTED]) return;
  const settings = getSettings();
  if (settings.logErrors !== false) {
    const now = options.now ?? Date.now();
    const burst = bursts.get(name);
    if (burst && burst.until > now) burst.suppressed += 1;
    else {
      const more = burst?.suppressed ? ` (${burst.suppressed} more failure(s) of it in the last minute)` : '';
      if (bursts.size > 10_000) bursts.clear();
      bursts.set(name, { until: now + BURST_WINDOW_MS, suppressed: 0 });
      const outcome =
        options.where === 'cache' ? 'visitors get its stale copy while one exists, else its fallback' : 'showing its fallback';
      defaultLog.error(`viewlet "${name}" failed, ${outcome}: ${describeError(error)}${more}`);
    }
  }
  try {
    settings.onError?.(error, name);
  } catch {
    // An error hook must never take the page down.
  }
}
