import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { viewletCacheHandlerPath, viewletIncrementalCachePath, withViewlets } from '../../src/next/with-viewlets.ts';
import { expectViewletError } from '../support/errors.ts';

describe('withViewlets cache handler wiring', () => {
  it('installs the handler for default and remote, by absolute path to the module next to cache/', () => {
    const config = withViewlets({});
    const file = viewletCacheHandlerPath();
    expect(path.isAbsolute(file)).toBe(true);
    expect(file.endsWith(`${path.sep}cache${path.sep}next-cache-handler.js`)).toBe(true);
    // From the sources it points at src/cache/*.js; the published package runs from dist/, where tsc puts it.
    expect(existsSync(file.replace(/\.js$/, '.ts'))).toBe(true);
    expect(config.cacheHandlers).toEqual({ default: file, remote: file });
  });

  it('keeps cache handlers the app sets itself', () => {
    const config = withViewlets({ cacheHandlers: { remote: '/custom/remote.js', static: '/custom/static.js' } });
    expect(config.cacheHandlers).toEqual({ default: viewletCacheHandlerPath(), remote: '/custom/remote.js', static: '/custom/static.js' });
  });

  it('refuses cacheComponents: false with E_INVALID_CONFIG', () => {
    expectViewletError(() => withViewlets({ cacheComponents: false }), 'E_INVALID_CONFIG', /remove cacheComponents: false/);
    expect(withViewlets({ cacheComponents: true }).cacheComponents).toBe(true);
  });

  it('installs the incremental cache handler (cacheHandler) by absolute path, keeping one the app sets', () => {
    const file = viewletIncrementalCachePath();
    expect(path.isAbsolute(file)).toBe(true);
    expect(existsSync(file.replace(/\.js$/, '.ts'))).toBe(true);
    expect(withViewlets({}).cacheHandler).toBe(file);
    expect(withViewlets({ cacheHandler: '/custom/inc.js' }).cacheHandler).toBe('/custom/inc.js');
    expect(withViewlets({}, { incrementalCache: false }).cacheHandler).toBeUndefined();
    expect(withViewlets({}, { incrementalCache: false }).cacheHandlers).toBeDefined();
  });

  it('can be turned off', () => {
    expect(withViewlets({}, { cacheHandler: false }).cacheHandlers).toBeUndefined();
    expect(withViewlets({}, { cacheHandler: false }).cacheHandler).toBeUndefined();
    expect(withViewlets({ cacheHandlers: { default: '/x.js' } }, { cacheHandler: false }).cacheHandlers).toEqual({ default: '/x.js' });
  });
});
