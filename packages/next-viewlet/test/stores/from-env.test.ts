import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { getProcessStore, preloadStoreClients, resolveStoreConfig, setProcessStore, storeFromEnv } from '../../src/stores/from-env.ts';
import { CLIENT_LOADERS, isPackageInstalled } from '../../src/stores/import-lib.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import { expectViewletError } from '../support/errors.ts';

const REDIS = 'redis://:p4ss@127.0.0.1:6390';
const CLUSTER = 'redis://:p4ss@127.0.0.1:7101, redis://:p4ss@127.0.0.1:7102,redis://:p4ss@127.0.0.1:7103';
const UPSTASH = { UPSTASH_REDIS_REST_URL: 'https://eu1-x.upstash.io', UPSTASH_REDIS_REST_TOKEN: 'tok-123' };

describe('resolveStoreConfig / storeFromEnv', () => {
  it('defaults to memory with the nv: prefix', () => {
    expect(resolveStoreConfig({})).toMatchObject({ kind: 'memory', prefix: 'nv:' });
    expect(storeFromEnv({}).name).toBe('memory');
  });

  it.each([
    ['REDIS_URL', { REDIS_URL: REDIS }, 'redis'],
    ['REDIS_CLUSTER_URLS', { REDIS_CLUSTER_URLS: CLUSTER }, 'redis-cluster'],
    ['UPSTASH_REDIS_REST_*', UPSTASH, 'upstash'],
    ['KV_REST_API_*', { KV_REST_API_URL: 'https://kv.example.com', KV_REST_API_TOKEN: 'kv' }, 'upstash'],
    ['both: REDIS_URL wins over Upstash', { REDIS_URL: REDIS, ...UPSTASH }, 'redis'],
    ['both: REDIS_CLUSTER_URLS wins over REDIS_URL', { REDIS_URL: REDIS, REDIS_CLUSTER_URLS: CLUSTER }, 'redis-cluster'],
    ['VIEWLET_STORE overrides detection', { VIEWLET_STORE: 'memory', REDIS_URL: REDIS }, 'memory'],
    ['VIEWLET_STORE=redis-cluster', { VIEWLET_STORE: 'redis-cluster', REDIS_CLUSTER_URLS: CLUSTER, REDIS_URL: REDIS }, 'redis-cluster'],
    ['blank variables count as unset', { REDIS_URL: '  ', UPSTASH_REDIS_REST_URL: '', REDIS_CLUSTER_URLS: ' ' }, 'memory'],
  ])('%s', (_label, env, kind) => {
    expect(resolveStoreConfig(env).kind).toBe(kind);
    expect(storeFromEnv(env).name).toBe(kind);
  });

  it('lets explicit options win over the environment', () => {
    expect(resolveStoreConfig({ REDIS_URL: REDIS }, { kind: 'memory' }).kind).toBe('memory');
    expect(resolveStoreConfig({ REDIS_URL: REDIS }, { upstash: { url: 'https://o.upstash.io', token: 't' } }).kind).toBe('upstash');
    expect(resolveStoreConfig({ REDIS_URL: REDIS }, { redisCluster: { urls: ['redis://127.0.0.1:7101'] } }).kind).toBe('redis-cluster');
    expect(resolveStoreConfig({ VIEWLET_CACHE_PREFIX: 'env:' }, { prefix: 'opt:' }).prefix).toBe('opt:');
    expect(resolveStoreConfig({ VIEWLET_CACHE_PREFIX: 'shop-prod:' }).prefix).toBe('shop-prod:');
  });

  it("returns VIEWLET_STORE_TIMEOUT_MS as the cache's read deadline, and the journal bounds", () => {
    expect(resolveStoreConfig({ VIEWLET_STORE_TIMEOUT_MS: '250' }).timeoutMs).toBe(250);
    expect(resolveStoreConfig({}).timeoutMs).toBeUndefined();
    expect(resolveStoreConfig({ VIEWLET_JOURNAL_MAX_LENGTH: '500', VIEWLET_JOURNAL_RETENTION_MS: '60000' }).journal).toEqual({
      journalMaxLength: 500,
      journalRetentionMs: 60_000,
    });
    expect(resolveStoreConfig({}).journal).toEqual({});
  });

  it.each([
    ['a redis URL with another scheme', { REDIS_URL: 'http://127.0.0.1:6379' }, /REDIS_URL.*scheme "http:"/],
    [
      'a cluster URL with another scheme',
      { REDIS_CLUSTER_URLS: 'redis://:p4ss@a:1,https://:p4ss@b:2' },
      /REDIS_CLUSTER_URLS \(.*\) \(URL 2 of 2\).*"https:"/,
    ],
    ['an Upstash URL without token', { UPSTASH_REDIS_REST_URL: 'https://x.upstash.io' }, /needs a token.*UPSTASH_REDIS_REST_TOKEN/],
    ['an Upstash token without URL', { UPSTASH_REDIS_REST_TOKEN: 'tok-123' }, /needs a URL/],
    ['a redis:// URL as the Upstash URL', { UPSTASH_REDIS_REST_URL: 'redis://x', UPSTASH_REDIS_REST_TOKEN: 'tok-123' }, /REDIS_URL/],
    ['an unknown VIEWLET_STORE', { VIEWLET_STORE: 'dynamo' }, /VIEWLET_STORE.*one of memory, redis, redis-cluster, upstash/],
    ['VIEWLET_STORE=redis without REDIS_URL', { VIEWLET_STORE: 'redis' }, /REDIS_URL.*missing/],
    ['VIEWLET_STORE=redis-cluster without REDIS_CLUSTER_URLS', { VIEWLET_STORE: 'redis-cluster' }, /REDIS_CLUSTER_URLS.*missing/],
    ['a prefix with spaces', { VIEWLET_CACHE_PREFIX: 'my app:' }, /VIEWLET_CACHE_PREFIX/],
    ['a prefix with braces', { VIEWLET_CACHE_PREFIX: '{app}:' }, /VIEWLET_CACHE_PREFIX.*braces/],
    ['a timeout that is not a number', { VIEWLET_STORE_TIMEOUT_MS: 'soon' }, /VIEWLET_STORE_TIMEOUT_MS/],
    ['a journal length that is not a number', { VIEWLET_JOURNAL_MAX_LENGTH: '1e4' }, /VIEWLET_JOURNAL_MAX_LENGTH/],
    ['a journal retention under a second', { VIEWLET_JOURNAL_RETENTION_MS: '10' }, /journalRetentionMs/],
  ])('throws E_STORE_CONFIG for %s, naming what to fix', (_label, env, message) => {
    expectViewletError(() => resolveStoreConfig(env), 'E_STORE_CONFIG', message);
    expectViewletError(() => storeFromEnv(env), 'E_STORE_CONFIG');
    // never the secrets
    expect(() => resolveStoreConfig(env)).not.toThrow(/tok-123|p4ss/);
  });
});

describe('a selected store whose client package is missing', () => {
  const missing = (absent: string) => (pkg: string) => pkg !== absent;

  it.each([
    ['REDIS_URL', { REDIS_URL: REDIS }, 'redis'],
    ['REDIS_CLUSTER_URLS', { REDIS_CLUSTER_URLS: CLUSTER }, 'redis'],
    ['the Upstash variables', UPSTASH, '@upstash/redis'],
  ])('fails at start-up for %s, with the install command', (_label, env, pkg) => {
    const error = expectViewletError(() => resolveStoreConfig(env, { isInstalled: missing(pkg) }), 'E_STORE_CONFIG');
    expect(error.message).toContain(`run \`npm install ${pkg}\``);
    expect(error.message).not.toMatch(/tok-123|p4ss/);
    expectViewletError(() => storeFromEnv(env, { isInstalled: missing(pkg) }), 'E_STORE_CONFIG');
  });

  it('is no concern of memory, of another store, or of an injected client', () => {
    const nothing = () => false;
    expect(resolveStoreConfig({}, { isInstalled: nothing }).kind).toBe('memory');
    expect(resolveStoreConfig({ REDIS_URL: REDIS }, { isInstalled: missing('@upstash/redis') }).kind).toBe('redis');
    const client = {} as never;
    expect(resolveStoreConfig({}, { redis: { client }, isInstalled: nothing }).kind).toBe('redis');
    expect(resolveStoreConfig(UPSTASH, { upstash: { client }, isInstalled: nothing }).kind).toBe('upstash');
  });

  describe('the real check', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nv-no-packages-'));
    const elsewhere = pathToFileURL(path.join(dir, 'module.js')).href;
    writeFileSync(path.join(dir, 'module.js'), '');
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('finds the client packages from the library, and not from a directory without them', () => {
      expect(isPackageInstalled('redis')).toBe(true);
      expect(isPackageInstalled('@upstash/redis')).toBe(true);
      expect(isPackageInstalled('redis', elsewhere)).toBe(false);
      expect(isPackageInstalled('@upstash/redis', elsewhere)).toBe(false);
    });

    it('decides what resolveStoreConfig does by default', () => {
      expect(resolveStoreConfig({ REDIS_URL: REDIS }).kind).toBe('redis');
      expectViewletError(
        () => resolveStoreConfig({ REDIS_URL: REDIS }, { isInstalled: (pkg) => isPackageInstalled(pkg, elsewhere) }),
        'E_STORE_CONFIG',
        /npm install redis/,
      );
    });
  });
});

describe('getProcessStore', () => {
  afterEach(() => setProcessStore(undefined));

  it('creates one store per process, kept on globalThis', () => {
    setProcessStore(undefined);
    const first = getProcessStore();
    expect(getProcessStore()).toBe(first);
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('next-viewlet.store')]).toBe(first);
  });

  it('can be replaced (tests, custom wiring)', () => {
    const mine = createMemoryStore({ prefix: 'mine:' });
    setProcessStore(mine);
    expect(getProcessStore()).toBe(mine);
  });
});

describe('preloadStoreClients', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('starts importing the client packages the configured stores need, and nothing for memory', () => {
    const redis = vi.spyOn(CLIENT_LOADERS, 'redis');
    const upstash = vi.spyOn(CLIENT_LOADERS, '@upstash/redis');
    preloadStoreClients({});
    expect([redis.mock.calls.length, upstash.mock.calls.length]).toEqual([0, 0]);
    preloadStoreClients({ REDIS_CLUSTER_URLS: CLUSTER });
    expect([redis.mock.calls.length, upstash.mock.calls.length]).toEqual([1, 0]);
    // A kind with a store of its own brings its own package.
    preloadStoreClients({ REDIS_URL: REDIS, VIEWLET_REMOTE_STORE_URL: 'https://eu1-x.upstash.io', VIEWLET_REMOTE_STORE_TOKEN: 't' });
    expect([redis.mock.calls.length, upstash.mock.calls.length]).toEqual([2, 1]);
  });

  it('fails like resolveStoreConfig on a bad configuration', () => {
    expectViewletError(() => preloadStoreClients({ REDIS_URL: 'http://127.0.0.1:6379' }), 'E_STORE_CONFIG', /redis:\/\//);
  });
});
