import { afterEach, describe, expect, it, vi } from 'vitest';
import { cachingEnabled, configureViewlets, getSettings, resetSettings } from './settings.ts';

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
    expect(() => configureViewlets({ identity: { user: 'uid' as never } })).toThrow(/identity.user must be a function/);
    expect(() => configureViewlets(null as never)).toThrow(/takes an object/);
  });

  it('is shared through globalThis, so a second module copy sees it', async () => {
    configureViewlets({ enabled: false });
    vi.resetModules();
    const copy = await import('./settings.ts?copy' as string);
    expect(copy.cachingEnabled()).toBe(false);
  });
});
