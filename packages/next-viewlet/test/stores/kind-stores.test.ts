import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  exportKindStore,
  getKindStore,
  getProcessStore,
  getTagStore,
  kindStoreVariables,
  kindsWithOwnStore,
  resetKindStores,
  resolveKindStoreOptions,
  setProcessStore,
} from '../../src/stores/from-env.ts';
import { expectViewletError } from '../support/errors.ts';

const REDIS = 'redis://127.0.0.1:6390';
const UPSTASH = 'https://eu1-x.upstash.io';

afterEach(() => {
  vi.unstubAllEnvs();
  resetKindStores();
  setProcessStore(undefined);
});

describe('a store per cache kind, from env', () => {
  it('names the variables after the kind', () => {
    expect(kindStoreVariables('remote')).toEqual({ url: 'VIEWLET_REMOTE_STORE_URL', token: 'VIEWLET_REMOTE_STORE_TOKEN' });
    expect(kindStoreVariables('cold-archive').url).toBe('VIEWLET_COLD_ARCHIVE_STORE_URL');
  });

  it('a kind without variables has no store of its own; default never has one here', () => {
    expect(resolveKindStoreOptions('remote', {})).toBeUndefined();
    expect(resolveKindStoreOptions('remote', { VIEWLET_REMOTE_STORE_URL: '  ' })).toBeUndefined();
    expect(resolveKindStoreOptions('default', { VIEWLET_DEFAULT_STORE_URL: REDIS })).toBeUndefined();
  });

  it('redis:// is Redis, https:// is Upstash with its token', () => {
    expect(resolveKindStoreOptions('remote', { VIEWLET_REMOTE_STORE_URL: REDIS })).toEqual({ kind: 'redis', redis: { url: REDIS } });
    expect(resolveKindStoreOptions('archive', { VIEWLET_ARCHIVE_STORE_URL: UPSTASH, VIEWLET_ARCHIVE_STORE_TOKEN: 'tok' })).toEqual({
      kind: 'upstash',
      upstash: { url: UPSTASH, token: 'tok' },
    });
  });

  it.each([
    ['an Upstash URL without its token', { VIEWLET_REMOTE_STORE_URL: UPSTASH }, /set VIEWLET_REMOTE_STORE_TOKEN/],
    ['another scheme', { VIEWLET_REMOTE_STORE_URL: 'memcached://x:11211' }, /VIEWLET_REMOTE_STORE_URL must be a redis:\/\//],
    ['a Redis URL that does not parse', { VIEWLET_REMOTE_STORE_URL: 'redis://[bad' }, /not a valid URL/],
  ])('refuses %s with E_STORE_CONFIG', (_label, env, message) => {
    const error = expectViewletError(() => resolveKindStoreOptions('remote', env), 'E_STORE_CONFIG', message);
    expect(error.message).not.toContain('memcached://x');
  });

  it('lists the kinds with a store of their own, remote first', () => {
    expect(
      kindsWithOwnStore({
        VIEWLET_ZETA_STORE_URL: REDIS,
        VIEWLET_REMOTE_STORE_URL: REDIS,
        VIEWLET_COLD_ARCHIVE_STORE_URL: REDIS,
        VIEWLET_EMPTY_STORE_URL: '',
        VIEWLET_STORE_TIMEOUT_MS: '10',
        VIEWLET_DEFAULT_STORE_URL: REDIS,
      }),
    ).toEqual(['remote', 'cold-archive', 'zeta']);
  });

  it('explicit options set the variables only where unset (the variables win)', () => {
    const env: Record<string, string | undefined> = { VIEWLET_ARCHIVE_STORE_URL: 'redis://env:6379' };
    exportKindStore('remote', { url: REDIS }, env);
    exportKindStore('archive', { url: 'redis://option:6379' }, env);
    expect(env).toEqual({ VIEWLET_REMOTE_STORE_URL: REDIS, VIEWLET_ARCHIVE_STORE_URL: 'redis://env:6379' });
    expectViewletError(() => exportKindStore('other', { url: UPSTASH }, env), 'E_STORE_CONFIG', /VIEWLET_OTHER_STORE_TOKEN/);
  });
});

describe('which store judges tags', () => {
  it('with nothing set: one memory store for every kind, its own judge', () => {
    vi.stubEnv('REDIS_URL', '');
    vi.stubEnv('VIEWLET_REMOTE_STORE_URL', '');
    expect(getKindStore('remote')).toBe(getProcessStore());
    expect(getTagStore()).toBe(getProcessStore());
  });

  it('default in memory, remote in Redis: Redis judges every kind', () => {
    vi.stubEnv('REDIS_URL', '');
    vi.stubEnv('VIEWLET_REMOTE_STORE_URL', REDIS);
    const remote = getKindStore('remote');
    expect(getProcessStore().name).toBe('memory');
    expect(remote).not.toBe(getProcessStore());
    expect(remote).toMatchObject({ name: 'redis:remote', shared: true });
    expect(getKindStore('remote')).toBe(remote); // one per process
    expect(getTagStore()).toBe(remote);
  });

  it('a shared default store judges, even when remote has its own', () => {
    vi.stubEnv('REDIS_URL', 'redis://127.0.0.1:6391');
    vi.stubEnv('VIEWLET_REMOTE_STORE_URL', REDIS);
    expect(getTagStore()).toBe(getProcessStore());
    expect(getKindStore('remote').name).toBe('redis:remote');
  });
});
