/**
 * The public entry points list exactly what is meant to be public: a new
 * export (or an internal leaking out) shows up here as a failing diff.
 */
import { describe, expect, it } from 'vitest';

const names = (module: object) => Object.keys(module).sort();

describe('public API', () => {
  it('next-viewlet', async () => {
    expect(names(await import('../src/index.ts'))).toEqual([
      'Viewlet',
      'ViewletError',
      'ViewletIsland',
      'cachingEnabled',
      'configureViewlets',
      'defineViewletCache',
      'describeError',
      'expireViewlet',
      'findViewlet',
      'getViewlet',
      'isViewletError',
      'issueSignedCookie',
      'listViewlets',
      'refreshViewlet',
      'revalidateViewlet',
      'runViewletCache',
      'signCookieValue',
      'verifySignedCookie',
      'viewlet',
    ]);
  });

  it('next-viewlet/core', async () => {
    expect(names(await import('../src/core/index.ts'))).toEqual([
      'MAX_PATH_LENGTH',
      'MAX_PATH_SEGMENTS',
      'MAX_TAGS',
      'MAX_TAG_LENGTH',
      'NEVER',
      'NOT_FOUND_PATH',
      'VIEWLET_PATH_HEADER',
      'VIEWLET_PATH_PROOF_HEADER',
      'ViewletError',
      'assertValidTag',
      'cachingEnabled',
      'canonicalArgs',
      'configureViewlets',
      'defineViewletCache',
      'describeError',
      'findViewlet',
      'getViewlet',
      'isViewletError',
      'issueSignedCookie',
      'listViewlets',
      'normalizePath',
      'parseDuration',
      'signCookieValue',
      'verifySignedCookie',
      'viewlet',
      'viewletArgsTag',
      'viewletTag',
    ]);
  });

  it('next-viewlet/testing', async () => {
    expect(names(await import('../src/testing.ts'))).toEqual(['clearRegistry', 'resetMetrics', 'resetSettings', 'resetStats']);
  });

  it('next-viewlet/stats', async () => {
    expect(names(await import('../src/metrics/index.ts'))).toEqual([
      'MIN_STATS_TOKEN_LENGTH',
      'PROMETHEUS_CONTENT_TYPE',
      'createStatsHandler',
      'metricsEnabled',
      'metricsSnapshot',
      'prometheusText',
    ]);
  });

  it('keeps internals out of the main entry', async () => {
    const main = await import('../src/index.ts');
    for (const internal of [
      'contextFor',
      'varyNeeds',
      'argsKey',
      'shortHash',
      'collectTags',
      'varyFromRequest',
      'clearRegistry',
      'resetSettings',
    ]) {
      expect(main).not.toHaveProperty(internal);
    }
  });
});
