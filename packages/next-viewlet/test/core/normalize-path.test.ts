import { describe, expect, it } from 'vitest';
import { isViewletError } from '../../src/core/errors.ts';
import { MAX_PATH_LENGTH, MAX_PATH_SEGMENTS, normalizePath } from '../../src/core/normalize-path.ts';

describe('normalizePath', () => {
  it.each([
    ['/', '/'],
    ['', '/'],
    ['/a/', '/a'],
    ['/a//b//', '/a/b'],
    ['//evil.example/x', '/evil.example/x'],
    ['/a?b=1', '/a'],
    ['/a#x', '/a'],
    ['a', '/a'],
    ['/products/%31', '/products/1'],
    ['/%7Euser/%2D%2e%5F', '/~user/-._'],
    ['/a/%2f/b', '/a/%2F/b'],
    ['/caf%c3%a9', '/caf%C3%A9'],
    ['/café', '/caf%C3%A9'],
    ['/a b', '/a%20b'],
    ['/a/./b/../c', '/a/c'],
    ['/a/%2e%2e/b', '/b'],
    ['/a\\b', '/a/b'],
    ['/100%', '/100%'],
  ])('%s → %s', (input, output) => {
    expect(normalizePath(input, { basePath: '', trailingSlash: false })).toBe(output);
  });

  it('gives every spelling of one page the same path', () => {
    const spellings = ['/products/1', '/products/%31', '/products//1/', '/products/./1', '/products/x/../1?ref=home'];
    expect(new Set(spellings.map((p) => normalizePath(p, { basePath: '', trailingSlash: false })))).toEqual(new Set(['/products/1']));
  });

  it('strips basePath, at a segment boundary only', () => {
    const options = { basePath: '/shop', trailingSlash: false };
    expect(normalizePath('/shop', options)).toBe('/');
    expect(normalizePath('/shop/p/1', options)).toBe('/p/1');
    expect(normalizePath('/p/1', options)).toBe('/p/1');
    expect(normalizePath('/shopping/p', options)).toBe('/shopping/p');
  });

  it('adds the trailing slash when the app uses trailingSlash, except for the root and file-like paths', () => {
    const options = { basePath: '/shop', trailingSlash: true };
    expect(normalizePath('/shop/p/1', options)).toBe('/p/1/');
    expect(normalizePath('/p/1/', options)).toBe('/p/1/');
    expect(normalizePath('/shop/', options)).toBe('/');
    expect(normalizePath('/feed.xml', options)).toBe('/feed.xml');
  });

  it('reads basePath and trailingSlash from the env withViewlets() sets', () => {
    const saved = { ...process.env };
    try {
      process.env.VIEWLET_BASE_PATH = '/docs';
      process.env.VIEWLET_TRAILING_SLASH = '1';
      expect(normalizePath('/docs/a')).toBe('/a/');
    } finally {
      process.env.VIEWLET_BASE_PATH = saved.VIEWLET_BASE_PATH;
      process.env.VIEWLET_TRAILING_SLASH = saved.VIEWLET_TRAILING_SLASH;
      if (saved.VIEWLET_BASE_PATH === undefined) delete process.env.VIEWLET_BASE_PATH;
      if (saved.VIEWLET_TRAILING_SLASH === undefined) delete process.env.VIEWLET_TRAILING_SLASH;
    }
  });

  it.each([
    ['too long', `/${'a'.repeat(MAX_PATH_LENGTH)}`],
    ['megabytes long', `/${'a'.repeat(1_000_000)}`],
    ['too deep', '/a'.repeat(MAX_PATH_SEGMENTS + 1)],
    ['not a string', 42],
  ])('refuses a path that is %s with E_INVALID_PATH', (_label, path) => {
    let code: string | undefined;
    try {
      normalizePath(path as string, { basePath: '', trailingSlash: false });
    } catch (error) {
      code = isViewletError(error) ? error.code : 'not a ViewletError';
    }
    expect(code).toBe('E_INVALID_PATH');
  });

  it('accepts the deepest and longest allowed path', () => {
    expect(normalizePath('/a'.repeat(MAX_PATH_SEGMENTS), { basePath: '' })).toHaveLength(2 * MAX_PATH_SEGMENTS);
    expect(normalizePath(`/${'a'.repeat(MAX_PATH_LENGTH - 1)}`, { basePath: '' })).toHaveLength(MAX_PATH_LENGTH);
  });
});
