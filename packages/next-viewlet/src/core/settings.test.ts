import { afterEach, describe, expect, it, vi } from 'vitest';
import { isViewletError } from './errors.ts';
import { cachingEnabled, configureViewlets, getSettings, resetSettings } from './settings.ts';

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
    expect(error.code).toBe('E_INVALID_DEFINITION');
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
    expect(configureError({ identity: { sessionCookie: sessionCookie as never } }).code).toBe('E_INVALID_DEFINITION');
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
    expect(configureError({ maxVariantsPerInstance: 0 }).code).toBe('E_INVALID_DEFINITION');
    expect(configureError({ maxRefusalsPerMinute: 1.5 }).code).toBe('E_INVALID_DEFINITION');
    expect(configureError({ clientKey: 'x-real-ip' as never }).code).toBe('E_INVALID_DEFINITION');
  });

  it('rejects identity resolvers that are not functions', () => {
    expect(configureError({ identity: { user: 'uid' as never } })).toMatchObject({ code: 'E_INVALID_DEFINITION' });
    expect(configureError({ identity: { user: 'uid' as never } }).message).toMatch(/identity.user must be a function/);
    expect(configureError(null as never).message).toMatch(/takes an object/);
  });

  it('is shared through globalThis, so a second module copy sees it', async () => {
    configureViewlets({ enabled: false });
    vi.resetModules();
    const copy = await import('./settings.ts?copy' as string);
    expect(copy.cachingEnabled()).toBe(false);
  });
});
