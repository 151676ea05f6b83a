/**
 * A store on Upstash Redis over its REST API (`@upstash/redis`, imported on
 * first use). For platforms without long-lived TCP connections. Values are
 * read as text (`automaticDeserialization: false`); every request is aborted
 * at the store's hard bound (the client's function-form `signal`, which
 * throws), retries are bounded, and client errors are cut to their reason
 * (Upstash puts the whole command, values included, in its error messages).
 */
import { ViewletError } from '../core/errors.ts';
import { CLIENT_LOADERS, importLib } from './import-lib.ts';
import { createRedisProtocolStore, type RedisExecutor } from './redis-protocol.ts';
import type { RemoteStoreOptions } from './store-call.ts';
import type { ViewletStore } from './types.ts';

/** The part of an `@upstash/redis` client this store uses; `new Redis(...)` is one. */
export interface UpstashClient {
  mget(...keys: string[]): Promise<unknown>;
  set(key: string, value: string, options: { px: number }): Promise<unknown>;
  del(...keys: string[]): Promise<unknown>;
  evalsha(sha1: string, keys: string[], args: string[]): Promise<unknown>;
  evalshaRo(sha1: string, keys: string[], args: string[]): Promise<unknown>;
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
  evalRo(script: string, keys: string[], args: string[]): Promise<unknown>;
  time(): Promise<unknown>;
}

export interface UpstashStoreOptions extends RemoteStoreOptions {
  /** REST URL (`https://…upstash.io`). Required unless `client` is given. */
  url?: string;
  /** REST token. Required unless `client` is given. */
  token?: string;
  /**
   * An `@upstash/redis` client to use instead of creating one. Create it with
   * `automaticDeserialization: false` so values come back as stored.
   * @default a new client for `url` and `token`
   */
  client?: UpstashClient;
  /**
   * Retries after a network error (not after a timeout), with a backoff of 50 ms × 2ⁿ.
   * @default 2
   */
  retries?: number;
}

/** Creates an Upstash store. Nothing is sent until the first call. */
export function createUpstashStore(options: UpstashStoreOptions): ViewletStore {
  const retries = options.retries ?? 2;
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new ViewletError('E_STORE_CONFIG', `upstash store: retries must be a whole number from 0 to 10, got ${retries}.`);
  }
  if (!options.client) assertUpstashCredentials(options.url, options.token, 'upstash store');

  return createRedisProtocolStore({
    name: 'upstash',
    options,
    redact,
    async open({ timeoutMs }): Promise<RedisExecutor> {
      let client = options.client;
      if (!client) {
        const { Redis } = await importLib('upstash', '@upstash/redis', CLIENT_LOADERS['@upstash/redis']);
        client = new Redis({
          url: options.url!,
          token: options.token!,
          retry: { retries, backoff: (n: number) => Math.min(50 * 2 ** n, 1000) },
          // The function form makes a timed-out request throw (a fired plain signal makes reads resolve to its reason).
          signal: deadlineSignals(timeoutMs),
          enableTelemetry: false,
          automaticDeserialization: false,
          latencyLogging: false,
        }) as unknown as UpstashClient;
      }
      const c = client;
      // Commands issued in one tick go out together (the client's auto-pipelining), one /pipeline
      // request for the reads and one for the writes: read-only scripts go as EVALSHA_RO, with the reads.
      return {
        mget: (keys) => c.mget(...keys),
        set: (key, value, px) => c.set(key, value, { px }),
        del: (keys) => c.del(...keys),
        time: () => c.time(),
        evalsha: ({ sha1, readOnly }, keys, args) => (readOnly ? c.evalshaRo(sha1, keys, args) : c.evalsha(sha1, keys, args)),
        eval: ({ script, readOnly }, keys, args) => (readOnly ? c.evalRo(script, keys, args) : c.eval(script, keys, args)),
        // Stateless HTTP: nothing to release.
        close: async () => {},
      };
    },
  });
}

/**
 * A signal per request that aborts `timeoutMs` after it was made, without a timer per request:
 * `AbortSignal.timeout()` makes one that cannot be cleared and holds the async context of the
 * request that made it (Next's request store, its response) until it fires. Here one sweep
 * aborts the signals whose time has come; it runs on every new signal and, while any is pending,
 * on one unref'd interval (at most one at a time).
 */
export function deadlineSignals(timeoutMs: number, now: () => number = Date.now): () => AbortSignal {
  // In deadline order: every signal gets the same timeout.
  let pending: { controller: AbortController; at: number }[] = [];
  let head = 0;
  let interval: ReturnType<typeof setInterval> | undefined;
  const sweep = () => {
    const time = now();
    while (head < pending.length && pending[head]!.at <= time) {
      pending[head]!.controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      head += 1;
    }
    if (head > 1024 && head * 2 > pending.length) {
      pending = pending.slice(head);
      head = 0;
    }
    if (head === pending.length && interval) {
      clearInterval(interval);
      interval = undefined;
    }
  };
  return () => {
    sweep();
    const controller = new AbortController();
    pending.push({ controller, at: now() + timeoutMs });
    if (!interval) {
      interval = setInterval(sweep, Math.max(10, Math.min(1000, Math.ceil(timeoutMs / 4))));
      interval.unref?.();
    }
    return controller.signal;
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
