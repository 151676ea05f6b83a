import { afterEach, describe, expect, it, vi } from 'vitest';
import { cachingEnabled, configureViewlets, getSettings, resetSettings } from '../../src/core/settings.ts';
import { isViewletError } from '../../src/core/errors.ts';
import { expectViewletError } from '../support/errors.ts';

const SECRET = 'settings-test-secret-of-32-characters';

function configureError(settings: Parameters<typeof configureViewlets>[0]): { code?: string; message: string } {
  try {
    configureViewlets(settings);
  } catch (error) {
    return { code: isViewletError(error) ? error.code : undefined, message: (error as Error).message };
  }
  throw new Error('configureViewlets accepted it');
}

afterEach(() => {
  resetSettings();
  vi.unstubAllEnvs();
});

describe('settings', () => {
  it('is on by default and off with VIEWLET_CACHE=off', () => {
    expect(cachingEnabled()).toBe(true);
    vi.stubEnv('VIEWLET_CACHE', 'off');
    expect(cachingEnabled()).toBe(false);
    vi.stubEnv('VIEWLET_CACHE', 'on');
    expect(cachingEnabled()).toBe(true);
  });

  it('lets configureViewlets override the env variable', () => {
    vi.stubEnv('VIEWLET_CACHE', 'off');
    configureViewlets({ enabled: true });
    expect(cachingEnabled()).toBe(true);
  });

  it('merges identity options across calls', () => {
    const userCookie = { name: 'uid', secrets: [SECRET] };
    const sessionCookie = { name: 'sid', trustUnsignedCookie: true as const };
    configureViewlets({ identity: { userCookie } });
    configureViewlets({ identity: { sessionCookie } });
    expect(getSettings().identity).toEqual({ userCookie, sessionCookie });
  });

  it('refuses a bare cookie name, and says how to sign it or opt in', () => {
    const error = configureError({ identity: { userCookie: 'uid' as never } });
    expect(error.code).toBe('E_INVALID_SETTINGS');
    expect(error.message).toContain("userCookie: { name: 'uid', secrets: [process.env.VIEWLET_COOKIE_SECRET] }");
    expect(error.message).toContain('identity.user');
    expect(error.message).toContain('trustUnsignedCookie: true');
    expect(getSettings().identity).toBeUndefined();
  });

  it.each([
    ['no secret (an unset env variable)', { name: 'uid', secrets: [undefined] }],
    ['a short secret', { name: 'uid', secrets: ['too-short'] }],
    ['an opt-in that is not exactly true', { name: 'uid', trustUnsignedCookie: 'yes' }],
    ['both secrets and the opt-in', { name: 'uid', secrets: [SECRET], trustUnsignedCookie: true }],
    ['a bad cookie name', { name: 'u id', secrets: [SECRET] }],
  ])('refuses a session cookie with %s', (_label, sessionCookie) => {
    expect(configureError({ identity: { sessionCookie: sessionCookie as never } }).code).toBe('E_INVALID_SETTINGS');
  });

  it('warns once in production about a cookie trusted unsigned, never in development', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      vi.stubEnv('NODE_ENV', 'development');
      configureViewlets({ identity: { userCookie: { name: 'dev-uid', trustUnsignedCookie: true } } });
      expect(warn).not.toHaveBeenCalled();
      vi.stubEnv('NODE_ENV', 'production');
      configureViewlets({ identity: { userCookie: { name: 'prod-uid', trustUnsignedCookie: true } } });
      configureViewlets({ identity: { userCookie: { name: 'prod-uid', trustUnsignedCookie: true } } });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/"prod-uid" is trusted unsigned.*any visitor can claim any user id/);
    } finally {
      warn.mockRestore();
    }
  });

  it('checks the variant and refusal bounds', () => {
    expect(configureError({ maxVariantsPerInstance: 0 }).code).toBe('E_INVALID_SETTINGS');
    expect(configureError({ maxRefusalsPerMinute: 1.5 }).code).toBe('E_INVALID_SETTINGS');
    expect(configureError({ clientKey: 'x-real-ip' as never }).code).toBe('E_INVALID_SETTINGS');
  });

  it('rejects identity resolvers that are not functions', () => {
    expectViewletError(
      () => configureViewlets({ identity: { user: 'uid' as never } }),
      'E_INVALID_SETTINGS',
      /identity.user must be a function/,
    );
    expectViewletError(() => configureViewlets(null as never), 'E_INVALID_SETTINGS', /takes an object/);
  });

  it.each([
    ['enabled as a string (an env var passed through)', { enabled: 'off' }, /enabled must be true or false/],
    ['logErrors as a number', { logErrors: 0 }, /logErrors must be true or false/],
    ['an onError that is not a function', { onError: 'console.error' }, /onError must be a function/],
    ['identity that is not an object', { identity: 'uid' }, /identity must be an object/],
  ])('rejects %s, changing nothing', (_label, settings, message) => {
    expectViewletError(() => configureViewlets(settings as never), 'E_INVALID_SETTINGS', message);
    expect(getSettings()).toEqual({});
  });

  it('is shared through globalThis, so a second module copy sees it', async () => {
    configureViewlets({ enabled: false });
    vi.resetModules();
    const copy = await import('../../src/core/settings.ts?copy' as string);
    expect(copy.cachingEnabled()).toBe(false);
  });
});
