/**
 * A store on Upstash Redis over its REST API (`@upstash/redis`, imported on
 * first use). For platforms without long-lived TCP connections. Values are
 * read as text (`automaticDeserialization: false`); every call has a deadline
 * (the client's function-form `signal`, which throws, plus our own), retries
 * are bounded, and client errors are logged without the command (Upstash puts
 * the whole command, values included, in its error messages).
 */
import { ViewletError } from '../core/errors.ts';
import { warnOnce } from '../util/log.ts';
import { COMPARE_AND_DELETE, isNoScriptError } from './scripts.ts';
import { assertPrefix, assertTimeout, DEFAULT_PREFIX, storeFailure, storeTimeout, ttlOf, type RemoteStoreOptions } from './store-call.ts';
import { withTimeout } from '../util/with-timeout.ts';
import type { ViewletStore } from './types.ts';

/** The part of an `@upstash/redis` client this store uses; `new Redis(...)` is one. */
export interface UpstashClient {
  mget(...keys: string[]): Promise<unknown>;
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options: { px: number; nx?: true }): Promise<unknown>;
  del(...keys: string[]): Promise<unknown>;
  evalsha(sha1: string, keys: string[], args: string[]): Promise<unknown>;
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
  time(): Promise<unknown>;
  pipeline(): UpstashPipeline;
}

/** An `@upstash/redis` pipeline: commands sent together in one request, run in order. */
export interface UpstashPipeline {
  set(key: string, value: string, options: { px: number; nx?: true }): UpstashPipeline;
  get(key: string): UpstashPipeline;
  exec(): Promise<unknown[]>;
}

export interface UpstashStoreOptions extends RemoteStoreOptions {
  /** REST URL (`https://…upstash.io`). Ignored with `client`. Default: env `UPSTASH_REDIS_REST_URL`, then `KV_REST_API_URL`. */
  url?: string;
  /** REST token. Ignored with `client`. Default: env `UPSTASH_REDIS_REST_TOKEN`, then `KV_REST_API_TOKEN`. */
  token?: string;
  /**
   * An `@upstash/redis` client to use instead of creating one. Create it with
   * `automaticDeserialization: false` so values come back as stored. Default: a new client.
   */
  client?: UpstashClient;
  /** Retries after a network error (not after a timeout), with backoff 50 ms × 2ⁿ. Default 2. */
  retries?: number;
}

/** Creates an Upstash store. Nothing is sent until the first call. */
export function createUpstashStore(options: UpstashStoreOptions = {}): ViewletStore {
  const prefix = assertPrefix(options.prefix ?? DEFAULT_PREFIX);
  const timeoutMs = assertTimeout(options.timeoutMs ?? 1000);
  const retries = options.retries ?? 2;
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new ViewletError('E_STORE_CONFIG', `upstash store: retries must be a whole number from 0 to 10, got ${retries}.`);
  }
  const url = options.url ?? (process.env.UPSTASH_REDIS_REST_URL || process.env.KV_REST_API_URL);
  const token = options.token ?? (process.env.UPSTASH_REDIS_REST_TOKEN || process.env.KV_REST_API_TOKEN);
  if (!options.client) assertUpstashCredentials(url, token, 'upstash store');
  let clientPromise: Promise<UpstashClient> | undefined;
  let closed = false;

  async function open(): Promise<UpstashClient> {
    if (options.client) return options.client;
    let Redis: typeof import('@upstash/redis')['Redis'];
    try {
      ({ Redis } = await import('@upstash/redis'));
    } catch (cause) {
      const message = 'upstash store: the `@upstash/redis` package is not installed; run `npm install @upstash/redis`.';
      warnOnce('upstash-missing', message);
      throw new ViewletError('E_STORE_CONFIG', message, { cause });
    }
    return new Redis({
      url: url!,
      token: token!,
      retry: { retries, backoff: (n: number) => Math.min(50 * 2 ** n, 1000) },
      // The function form makes a timed-out request throw (a fired plain signal makes reads resolve to its reason).
      signal: () => AbortSignal.timeout(timeoutMs),
      enableTelemetry: false,
      automaticDeserialization: false,
      latencyLogging: false,
    }) as unknown as UpstashClient;
  }

  async function call<T>(op: string, run: (client: UpstashClient) => Promise<unknown>): Promise<T> {
    if (closed) throw new ViewletError('E_STORE_CLOSED', 'upstash store: used after close(); create a new store.');
    const work = (async () => run(await (clientPromise ??= open())))();
    try {
      return (await withTimeout(work, timeoutMs, () => storeTimeout(`upstash store: ${op}`, timeoutMs))) as T;
    } catch (error) {
      throw storeFailure('upstash', op, redact(error));
    }
  }

  const k = (key: string) => prefix + key;

  return {
    name: 'upstash',
    shared: true,
    async getMany(keys) {
      if (keys.length === 0) return [];
      const values = await call<unknown[]>('MGET', (c) => c.mget(...keys.map(k)));
      return values.map((value) => (typeof value === 'string' ? value : null));
    },
    async set(key, value, ttlMs) {
      await call('SET', (c) => c.set(k(key), value, { px: ttlOf(ttlMs) }));
    },
    async setIfAbsent(key, value, ttlMs) {
      // One request, run in order: GET sees our value if SET won, else the holder's (or null if it just expired).
      const [set, current] = await call<unknown[]>('SET NX', (c) =>
        c
          .pipeline()
          .set(k(key), value, { px: ttlOf(ttlMs), nx: true })
          .get(k(key))
          .exec(),
      );
      return set === 'OK' ? true : typeof current === 'string' ? current : null;
    },
    async deleteIfEquals(key, value) {
      let deleted: unknown;
      try {
        deleted = await call('EVALSHA', (c) => c.evalsha(COMPARE_AND_DELETE.sha1, [k(key)], [value]));
      } catch (error) {
        if (!isNoScriptError(error)) throw error;
        deleted = await call('EVAL', (c) => c.eval(COMPARE_AND_DELETE.script, [k(key)], [value]));
      }
      return Number(deleted) === 1;
    },
    async delete(keys) {
      if (keys.length > 0) await call('DEL', (c) => c.del(...keys.map(k)));
    },
    async time() {
      const [seconds, micros] = await call<[unknown, unknown]>('TIME', (c) => c.time());
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    },
    async close() {
      // Stateless HTTP: nothing to release.
      closed = true;
    },
  };
}

/** Throws `E_STORE_CONFIG` unless both are set and the URL is http(s). Never echoes the token. */
export function assertUpstashCredentials(url: string | undefined, token: string | undefined, where: string): void {
  if (!url || !token) {
    const missing = !url && !token ? 'a URL and a token' : !url ? 'a URL' : 'a token';
    throw new ViewletError(
      'E_STORE_CONFIG',
      `${where} needs ${missing}: set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN (or KV_REST_API_URL and KV_REST_API_TOKEN) together, from the Upstash console.`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ViewletError('E_STORE_CONFIG', `${where}: the REST URL is not a valid URL; expected https://<name>.upstash.io.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ViewletError(
      'E_STORE_CONFIG',
      `${where}: the REST URL has the scheme "${parsed.protocol}"; use the https:// REST URL (for redis:// URLs use REDIS_URL).`,
    );
  }
}

/**
 * Upstash errors read "<reason>, command was: [<the command with its values>]" and
 * its JSON parse errors carry the response body: keep the reason only.
 */
function redact(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const at = error.message.indexOf(', command was:');
  let message: string;
  if (error.name === 'UpstashJSONParseError') message = 'the response was not JSON';
  else if (at >= 0) message = error.message.slice(0, Math.min(at, 200));
  else return error;
  const safe = new Error(message);
  safe.name = error.name;
  return safe;
}
