import { describeError, isViewletError, type ViewletErrorCode } from '../core/errors.ts';
import { processRefusalLog } from '../core/refusal-log.ts';
import { getSettings } from '../core/settings.ts';
import { defaultLog } from '../util/log.ts';

/** Failures a visitor can cause at will (a forged path header, args from the URL): one log line per minute each. */
const VISITOR_CAUSED: ReadonlySet<ViewletErrorCode> = new Set(['E_NO_PATH', 'E_INVALID_ARGS']);

/**
 * Logs a viewlet failure once, as one line naming the viewlet (the logger adds
 * the `[next-viewlet]` prefix, the error adds its code), then calls the `onError` hook.
 */
export function reportViewletError(name: string, error: unknown): void {
  const settings = getSettings();
  if (settings.logErrors !== false) {
    if (isViewletError(error) && VISITOR_CAUSED.has(error.code)) {
      processRefusalLog().record(`viewlet "${name}" shows its fallback (${error.code})`, undefined, error.message);
    } else {
      defaultLog.error(`viewlet "${name}" failed, showing its fallback: ${describeError(error)}`);
    }
  }
  try {
    settings.onError?.(error, name);
  } catch {
    // An error hook must never take the page down.
  }
}
