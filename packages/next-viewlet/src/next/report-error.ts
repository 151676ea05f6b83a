import { describeError } from '../core/errors.ts';
import { getSettings } from '../core/settings.ts';
import { defaultLog } from '../util/log.ts';

/**
 * Logs a viewlet failure once, as one line naming the viewlet (the logger adds
 * the `[next-viewlet]` prefix, the error adds its code), then calls the `onError` hook.
 */
export function reportViewletError(name: string, error: unknown): void {
  const settings = getSettings();
  if (settings.logErrors !== false) {
    defaultLog.error(`viewlet "${name}" failed, showing its fallback: ${describeError(error)}`);
  }
  try {
    settings.onError?.(error, name);
  } catch {
    // An error hook must never take the page down.
  }
}
