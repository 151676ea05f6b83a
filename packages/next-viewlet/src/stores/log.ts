/**
 * The library's few log lines: warnings (once per cause, so an outage does not
 * flood the log) and a debug trace behind `VIEWLET_DEBUG=1`. Never logs stored values.
 */
const warned = new Set<string>();

/** Whether `VIEWLET_DEBUG` is on (`1`, `true`, `yes`, `on`). Read on every call so tests can flip it. */
export function debugEnabled(): boolean {
  const value = process.env.VIEWLET_DEBUG?.trim().toLowerCase();
  return value === '1' || value === 'true' || value === 'yes' || value === 'on';
}

/** `console.debug` behind `VIEWLET_DEBUG=1`. */
export function debugLog(scope: string, message: string, details?: Record<string, unknown>): void {
  if (!debugEnabled()) return;
  if (details) console.debug(`[next-viewlet] ${scope}: ${message}`, details);
  else console.debug(`[next-viewlet] ${scope}: ${message}`);
}

/** `console.warn` once per `key` until `clearWarning(key)`; later repeats go to the debug log. */
export function warnOnce(key: string, message: string): void {
  if (warned.has(key)) {
    debugLog('warn', message);
    return;
  }
  if (warned.size > 1000) warned.clear();
  warned.add(key);
  console.warn(`[next-viewlet] ${message}`);
}

/** Lets the warning for `key` be logged again (e.g. after the store recovered). */
export function clearWarning(key: string): boolean {
  return warned.delete(key);
}
