/**
 * `next-viewlet/testing`: resets for test suites, so each test starts from a
 * clean process. Not for app code: a running app that clears its registry
 * forgets the viewlets its pages render.
 *
 * ```ts
 * import { clearRegistry, resetMetrics, resetSettings, resetStats } from 'next-viewlet/testing';
 * afterEach(() => { clearRegistry(); resetSettings(); resetStats(); resetMetrics(); });
 * ```
 */
export { resetStats } from './cache/cache-stats.ts';
export { clearRegistry } from './core/registry.ts';
export { resetMetrics } from './metrics/metrics-registry.ts';
export { resetSettings } from './core/settings.ts';
