import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import { getProcessStore, resolveStoreConfig, setProcessStore, storeFromEnv } from '../../src/stores/from-env.ts';
import { expectViewletError } from '../support/errors.ts';

const REDIS = 'redis://:p4ss@127.0.0.1:6390';
const UPSTASH = { UPSTASH_REDIS_REST_URL: 'https://eu1-x.upstash.io', UPSTASH_REDIS_REST_TOKEN: 'tok-123' };

describe('resolveStoreConfig / storeFromEnv', () => {
  it('defaults to memory with the nv: prefix', () => {
    expect(resolveStoreConfig({})).toMatchObject({ kind: 'memory', prefix: 'nv:' });
    expect(storeFromEnv({}).name).toBe('memory');
  });

  it.each([
    ['REDIS_URL', { REDIS_URL: REDIS }, 'redis'],
    ['UPSTASH_REDIS_REST_*', UPSTASH, 'upstash'],
    ['KV_REST_API_*', { KV_REST_API_URL: 'https://kv.example.com', KV_REST_API_TOKEN: 'kv' }, 'upstash'],
    ['both: REDIS_URL wins', { REDIS_URL: REDIS, ...UPSTASH }, 'redis'],
    ['VIEWLET_STORE overrides detection', { VIEWLET_STORE: 'memory', REDIS_URL: REDIS }, 'memory'],
    ['blank variables count as unset', { REDIS_URL: '  ', UPSTASH_REDIS_REST_URL: '' }, 'memory'],
  ])('%s', (_label, env, kind) => {
    expect(resolveStoreConfig(env).kind).toBe(kind);
    expect(storeFromEnv(env).name).toBe(kind);
  });

  it('lets explicit options win over the environment', () => {
    expect(resolveStoreConfig({ REDIS_URL: REDIS }, { kind: 'memory' }).kind).toBe('memory');
    expect(resolveStoreConfig({ REDIS_URL: REDIS }, { upstash: { url: 'https://o.upstash.io', token: 't' } }).kind).toBe('upstash');
    expect(resolveStoreConfig({ VIEWLET_CACHE_PREFIX: 'env:' }, { prefix: 'opt:' }).prefix).toBe('opt:');
    expect(resolveStoreConfig({ VIEWLET_CACHE_PREFIX: 'shop-prod:' }).prefix).toBe('shop-prod:');
    expect(resolveStoreConfig({ VIEWLET_STORE_TIMEOUT_MS: '250' }).timeoutMs).toBe(250);
  });

  it.each([
    ['a redis URL with another scheme', { REDIS_URL: 'http://127.0.0.1:6379' }, /REDIS_URL.*scheme "http:"/],
    ['an Upstash URL without token', { UPSTASH_REDIS_REST_URL: 'https://x.upstash.io' }, /needs a token.*UPSTASH_REDIS_REST_TOKEN/],
    ['an Upstash token without URL', { UPSTASH_REDIS_REST_TOKEN: 'tok-123' }, /needs a URL/],
    ['a redis:// URL as the Upstash URL', { UPSTASH_REDIS_REST_URL: 'redis://x', UPSTASH_REDIS_REST_TOKEN: 'tok-123' }, /REDIS_URL/],
    ['an unknown VIEWLET_STORE', { VIEWLET_STORE: 'dynamo' }, /VIEWLET_STORE.*one of memory, redis, upstash/],
    ['VIEWLET_STORE=redis without REDIS_URL', { VIEWLET_STORE: 'redis' }, /REDIS_URL.*missing/],
    ['a prefix with spaces', { VIEWLET_CACHE_PREFIX: 'my app:' }, /VIEWLET_CACHE_PREFIX/],
    ['a timeout that is not a number', { VIEWLET_STORE_TIMEOUT_MS: 'soon' }, /VIEWLET_STORE_TIMEOUT_MS/],
  ])('throws E_STORE_CONFIG for %s, naming what to fix', (_label, env, message) => {
    expect(() => resolveStoreConfig(env)).toThrow(message);
    expectViewletError(() => storeFromEnv(env), 'E_STORE_CONFIG');
    // never the secrets
    expect(() => resolveStoreConfig(env)).not.toThrow(/tok-123|p4ss/);
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
