import { getSettings } from '../core/settings.ts';
import { defaultLog } from '../util/log.ts';

/** Logs a viewlet failure once, as one line naming the viewlet, then calls the `onError` hook. */
export function reportViewletError(name: string, error: unknown): void {
  const settings = getSettings();
  if (settings.logErrors !== false) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    defaultLog.error(`viewlet "${name}" failed, showing its fallback: ${message}`);
  }
  try {
    settings.onError?.(error, name);
  } catch {
    // An error hook must never take the page down.
  }
}
