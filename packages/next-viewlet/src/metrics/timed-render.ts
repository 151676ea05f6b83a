/**
 * Counts and times one execution of a viewlet's render function (or of `load`
 * in data mode), wherever it runs: a miss, a background revalidation, a
 * refresh, or a viewlet that is never cached.
 *
 * The duration is the time until the function's promise settles. Async server
 * components nested in the returned JSX render later, while Next serialises
 * the entry, and are not part of it.
 */
import { metricsRegistry, recordRender, recordRenderStart } from './metrics-registry.ts';

/** Runs `render` and records it for viewlet `name` (unless metrics are off). */
export async function timedRender<T>(name: string, render: () => T | Promise<T>): Promise<T> {
  const registry = metricsRegistry();
  if (!registry.enabled) return render();
  recordRenderStart(name);
  const started = performance.now();
  try {
    const value = await render();
    recordRender(name, (performance.now() - started) / 1000, false);
    return value;
  } catch (error) {
    recordRender(name, (performance.now() - started) / 1000, true);
    markErrorCounted(error);
    throw error;
  }
}

/** Marks an error as already counted, so the call that sees it does not count it again. */
export function markErrorCounted(error: unknown): void {
  if (typeof error === 'object' && error !== null) metricsRegistry().countedErrors.add(error);
}

/** Whether `error` was counted where it was thrown. */
export function errorCounted(error: unknown): boolean {
  return typeof error === 'object' && error !== null && metricsRegistry().countedErrors.has(error);
}
