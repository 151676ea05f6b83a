import { afterEach, describe, expect, it, vi } from 'vitest';
import { cachingEnabled, configureViewlets, getSettings, resetSettings } from '../../src/core/settings.ts';
import { expectViewletError } from '../support/errors.ts';

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
    configureViewlets({ identity: { userCookie: 'uid' } });
    configureViewlets({ identity: { sessionCookie: 'sid' } });
    expect(getSettings().identity).toEqual({ userCookie: 'uid', sessionCookie: 'sid' });
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
