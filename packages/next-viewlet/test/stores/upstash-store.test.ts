import { Redis } from '@upstash/redis';
import { describe, expect, it } from 'vitest';
import { createUpstashStore, type UpstashClient } from '../../src/stores/upstash-store.ts';
import { randomPrefix } from '../support/redis-server.ts';
import { useUpstashBackend } from '../support/upstash-rest-server.ts';
import { failOnUnhandledRejections } from '../support/unhandled-rejections.ts';
import { describeStoreConformance } from './conformance.ts';
import { expectViewletError } from '../support/errors.ts';

const backend = useUpstashBackend();

describeStoreConformance({
  name: 'upstash',
  shared: true,
  create: (prefix) => createUpstashStore({ url: backend.rest.url, token: backend.rest.token, prefix }),
});

describe('upstash store', () => {
  failOnUnhandledRejections();

  it('speaks base64 with the real client, like Upstash', async () => {
    const client = new Redis({ url: backend.rest.url, token: backend.rest.token, enableTelemetry: false, automaticDeserialization: false });
    const prefix = randomPrefix();
    await client.set(`${prefix}raw-check`, 'héllo');
    expect(await client.get(`${prefix}raw-check`)).toBe('héllo');
    const store = createUpstashStore({ client: client as unknown as UpstashClient, prefix });
    expect(await store.getMany(['raw-check'])).toEqual(['héllo']);
  });

  it('never puts values in its errors (Upstash errors repeat the whole command)', async () => {
    const store = createUpstashStore({ url: backend.rest.url, token: 'wrong-token', prefix: randomPrefix(), retries: 0 });
    const error = await store.set('k', 'SECRET-VALUE-123', 60_000).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string; cause?: Error },
    );
    expect(error?.code).toBe('E_STORE_FAILED');
    expect(error?.message).toContain('Unauthorized');
    expect(error?.message).not.toContain('SECRET-VALUE-123');
    expect(String(error?.cause?.message)).not.toContain('SECRET-VALUE-123');
  });

  it('fails within the timeout, with bounded retries, when nothing answers', async () => {
    const store = createUpstashStore({ url: 'http://127.0.0.1:9', token: 't', prefix: randomPrefix(), timeoutMs: 400, retries: 2 });
    const started = Date.now();
    await expect(store.getMany(['k'])).rejects.toMatchObject({ code: expect.stringMatching(/^E_STORE_(TIMEOUT|FAILED)$/) });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('fails within the timeout when the server hangs', async () => {
    const http = await import('node:http');
    const hanging = http.createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const { port } = hanging.address() as { port: number };
    try {
      const store = createUpstashStore({ url: `http://127.0.0.1:${port}`, token: 't', prefix: randomPrefix(), timeoutMs: 200 });
      const started = Date.now();
      await expect(store.time()).rejects.toMatchObject({ code: 'E_STORE_TIMEOUT' });
      expect(Date.now() - started).toBeLessThan(700);
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }
  });

  it('takes setIfAbsent in one request (a pipeline)', async () => {
    const store = createUpstashStore({ url: backend.rest.url, token: backend.rest.token, prefix: randomPrefix() });
    await store.time(); // warm up
    const before = { ...backend.rest.requests };
    expect(await store.setIfAbsent('lock', 'a', 60_000)).toBe(true);
    expect(await store.setIfAbsent('lock', 'b', 60_000)).toBe('a');
    const sent = Object.fromEntries(Object.entries(backend.rest.requests).map(([path, count]) => [path, count - (before[path] ?? 0)]));
    expect(sent).toEqual({ ...Object.fromEntries(Object.keys(before).map((path) => [path, 0])), '/pipeline': 2 });
  });

  it('needs a URL and a token, and says which one is missing', () => {
    const saved = { ...process.env };
    for (const name of ['UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN', 'KV_REST_API_URL', 'KV_REST_API_TOKEN'])
      delete process.env[name];
    try {
      expectViewletError(() => createUpstashStore({ url: 'https://x.upstash.io' }), 'E_STORE_CONFIG', /needs a token/);
      expect(() => createUpstashStore({ token: 'secret-token' })).toThrow(/needs a URL/);
      expect(() => createUpstashStore({ url: 'redis://x:6379', token: 'secret-token' })).toThrow(/scheme "redis:"/);
      expect(() => createUpstashStore({ url: 'redis://x:6379', token: 'secret-token' })).not.toThrow(/secret-token/);
    } finally {
      Object.assign(process.env, saved);
    }
  });
});
