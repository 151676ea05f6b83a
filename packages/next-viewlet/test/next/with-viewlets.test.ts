import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  viewletCacheHandlerPath,
  viewletIncrementalCachePath,
  viewletRemoteCacheHandlerPath,
  withViewlets,
} from '../../src/next/with-viewlets.ts';
import { expectViewletError } from '../support/errors.ts';

describe('withViewlets cache handler wiring', () => {
  it('installs a handler module per kind (default, remote), by absolute path to the modules next to cache/', () => {
    const config = withViewlets({});
    const file = viewletCacheHandlerPath();
    const remote = viewletRemoteCacheHandlerPath();
    for (const [module, name] of [
      [file, 'next-cache-handler.js'],
      [remote, 'remote-cache-handler.js'],
    ] as const) {
      expect(path.isAbsolute(module)).toBe(true);
      expect(module.endsWith(`${path.sep}cache${path.sep}${name}`)).toBe(true);
      // From the sources it points at src/cache/*.js; the published package runs from dist/, where tsc puts it.
      expect(existsSync(module.replace(/\.js$/, '.ts'))).toBe(true);
    }
    expect(config.cacheHandlers).toEqual({ default: file, remote });
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

describe('withViewlets routing settings', () => {
  it('hands basePath and trailingSlash to the runtime through env, keeping the app env', () => {
    expect(withViewlets({ basePath: '/shop', trailingSlash: true, env: { A: '1' } }).env).toEqual({
      A: '1',
      VIEWLET_BASE_PATH: '/shop',
      VIEWLET_TRAILING_SLASH: '1',
    });
    expect(withViewlets({}).env).toEqual({ VIEWLET_BASE_PATH: '', VIEWLET_TRAILING_SLASH: '' });
  });
});

describe('withViewlets stores (a store per cache kind)', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('gives remote its own store through VIEWLET_REMOTE_STORE_URL (the variable wins over the option)', () => {
    vi.stubEnv('VIEWLET_REMOTE_STORE_URL', '');
    const config = withViewlets({}, { stores: { remote: { url: 'redis://127.0.0.1:6399' } } });
    expect(process.env.VIEWLET_REMOTE_STORE_URL).toBe('redis://127.0.0.1:6399');
    expect(config.cacheHandlers).toEqual({ default: viewletCacheHandlerPath(), remote: viewletRemoteCacheHandlerPath() });
    withViewlets({}, { stores: { remote: { url: 'redis://127.0.0.1:6400' } } });
    expect(process.env.VIEWLET_REMOTE_STORE_URL).toBe('redis://127.0.0.1:6399');
  });

  it("adds a custom kind: on the default kind's handler without a store, on its own module with one", () => {
    vi.stubEnv('VIEWLET_ARCHIVE_STORE_URL', '');
    vi.stubEnv('VIEWLET_COLD_STORE_URL', '');
    const config = withViewlets({}, { stores: { archive: {}, cold: { url: 'redis://127.0.0.1:6399', handler: '/app/cold-handler.mjs' } } });
    expect(config.cacheHandlers).toMatchObject({ archive: viewletCacheHandlerPath(), cold: '/app/cold-handler.mjs' });
  });

  it('refuses a custom kind with a store of its own but no handler module, saying what to add', () => {
    vi.stubEnv('VIEWLET_ARCHIVE_STORE_URL', 'redis://127.0.0.1:6399');
    expectViewletError(
      () => withViewlets({}, { stores: { archive: {} } }),
      'E_INVALID_STORE',
      /"archive" kind has a store of its own \(VIEWLET_ARCHIVE_STORE_URL\) but no handler module; add stores\['archive'\]\.handler: .*createCacheHandler\(\{ kind: 'archive' \}\)/,
    );
  });

  it.each([
    ['a kind Next refuses', { Archive: {} }, 'E_INVALID_STORE', /not a cache kind Next accepts/],
    ['private', { private: {} }, 'E_INVALID_STORE', /private/],
    ['default', { default: {} }, 'E_INVALID_STORE', /set it with VIEWLET_STORE, REDIS_URL/],
    ['a bad URL', { remote: { url: 'ftp://x' } }, 'E_STORE_CONFIG', /must be a redis:\/\//],
  ] as const)('refuses %s', (_label, stores, code, message) => {
    vi.stubEnv('VIEWLET_REMOTE_STORE_URL', '');
    expectViewletError(() => withViewlets({}, { stores }), code, message);
  });

  it('refuses stores with cacheHandler: false', () => {
    expectViewletError(
      () => withViewlets({}, { cacheHandler: false, stores: { remote: {} } }),
      'E_INVALID_CONFIG',
      /remove cacheHandler: false/,
    );
  });
});
