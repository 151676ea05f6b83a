/**
 * The one implementation of the store contract on the Redis protocol, shared by
 * the redis, redis-cluster and upstash stores. Each of them only adapts its
 * client to `RedisExecutor` (a handful of commands plus EVAL/EVALSHA); every
 * store operation, the closed guard, the deadline, the script fallback, TIME
 * parsing and the key layout live here, once.
 *
 * Multi-key commands stay in one cluster slot: the tag system's keys share a
 * hash tag (see redis-keys.ts), and `getMany`/`delete` are split per slot and
 * sent in parallel when the executor says keys live in several.
 */
import { setMaxListeners } from 'node:events';
import { ViewletError } from '../core/errors.ts';
import type { Log } from '../util/log.ts';
import { withTimeout } from '../util/with-timeout.ts';
import { redisKeys } from './redis-keys.ts';
import { COMPARE_AND_DELETE, INVALIDATE, isNoScriptError, type LuaScript, READ_JOURNAL, SET_IF_ABSENT } from './scripts.ts';
import {
  assertJournalOptions,
  assertPrefix,
  assertTimeout,
  DEFAULT_PREFIX,
  DEFAULT_STORE_TIMEOUT_MS,
  type RemoteStoreOptions,
  storeFailure,
  storeLog,
  storeTimeout,
  ttlOf,
} from './store-call.ts';
import { parseTagRecord, type TagRecord } from './tag-record.ts';
import { type InvalidateOptions, JOURNAL_READ_LIMIT, type JournalEntry, type JournalRead, type ViewletStore } from './types.ts';

/**
 * What a client adapter provides: the few commands the store sends. Replies in
 * RESP2 shapes (strings, integers, null, arrays). `signal` fires when the
 * store's deadline has passed, so a client that can still drop the command does.
 */
export interface RedisExecutor {
  mget(keys: string[], signal: AbortSignal): Promise<unknown>;
  /** SET key value PX ttlMs. */
  set(key: string, value: string, ttlMs: number, signal: AbortSignal): Promise<unknown>;
  del(keys: string[], signal: AbortSignal): Promise<unknown>;
  /** TIME, on the node that serves `routeKey` (a cluster's nodes have their own clocks). */
  time(routeKey: string, signal: AbortSignal): Promise<unknown>;
  /** EVALSHA; `script.readOnly` lets a client send EVALSHA_RO instead. */
  evalsha(script: LuaScript, keys: string[], args: string[], signal: AbortSignal): Promise<unknown>;
  /** EVAL (after NOSCRIPT); `script.readOnly` lets a client send EVAL_RO instead. */
  eval(script: LuaScript, keys: string[], args: string[], signal: AbortSignal): Promise<unknown>;
  /** The cluster slot of a key, for a client whose keys live in several slots; absent when one node holds all. */
  slotOf?(key: string): number;
  /** Settles once the client takes commands, when it connects in the background (commands queue meanwhile). */
  ready?: Promise<unknown>;
  /** Releases what the store opened (an injected client stays open). */
  close(): Promise<void>;
}

/** What an adapter's `open()` gets: the store's log and its hard bound per call. */
export interface OpenContext {
  log: Log;
  timeoutMs: number;
}

export interface RedisProtocolConfig {
  /** The store's name: 'redis', 'redis-cluster', 'upstash'. */
  name: string;
  /** The options every remote store takes, validated here (`E_STORE_CONFIG`). */
  options: RemoteStoreOptions;
  /** Creates the executor on first use (imports the client). A rejection is retried on the next call. */
  open(context: OpenContext): Promise<RedisExecutor>;
  /** Makes a client error safe to attach and log (Upstash errors repeat the command, values included). */
  redact?(error: unknown): unknown;
}

/** Largest `limit` of one `readJournal`. */
const MAX_JOURNAL_READ = 10_000;
const CURSOR_RE = /^\d{1,20}-\d{1,20}$/;

/** Creates a store over a Redis-protocol client. Nothing is opened until the first call. */
export function createRedisProtocolStore(config: RedisProtocolConfig): ViewletStore {
  const { name, options } = config;
  const keys = redisKeys(assertPrefix(options.prefix ?? DEFAULT_PREFIX));
  const timeoutMs = assertTimeout(options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS);
  const journal = assertJournalOptions(options);
  const log = storeLog(options.logger);
  let executor: Promise<RedisExecutor> | undefined;
  let closed = false;

  const connect = () => {
    executor ??= config.open({ log, timeoutMs }).catch((error: unknown) => {
      executor = undefined;
      throw error;
    });
    return executor;
  };

  const guard = () => {
    if (closed) throw new ViewletError('E_STORE_CLOSED', `${name} store: used after close(); create a new store.`);
  };

  // Nothing to send, but a closed store still says so.
  const empty = (): never[] => {
    guard();
    return [];
  };

  async function call<T>(op: string, run: (x: RedisExecutor, signal: AbortSignal) => Promise<T>): Promise<T> {
    guard();
    const controller = new AbortController();
    // One signal for every per-slot command of the call.
    setMaxListeners(0, controller.signal);
    try {
      return await withTimeout(
        connect().then((x) => run(x, controller.signal)),
        timeoutMs,
        () => storeTimeout(`${name} store: ${op}`, timeoutMs),
      );
    } catch (error) {
      controller.abort();
      throw storeFailure(name, op, config.redact ? config.redact(error) : error);
    }
  }

  // EVALSHA, and EVAL once when the server has not cached the script (after a restart or SCRIPT FLUSH).
  async function safeEval(x: RedisExecutor, script: LuaScript, scriptKeys: string[], args: string[], signal: AbortSignal) {
    try {
      return await x.evalsha(script, scriptKeys, args, signal);
    } catch (error) {
      if (!isNoScriptError(error)) throw error;
      log.debug(`${name} store`, 'script not cached on the server yet; sending it');
      return x.eval(script, scriptKeys, args, signal);
    }
  }

  // One command per slot, in parallel; a single node gets one.
  function perSlot(x: RedisExecutor, full: string[]): number[][] {
    if (!x.slotOf) return [full.map((_, i) => i)];
    const groups = new Map<number, number[]>();
    full.forEach((key, i) => {
      const slot = x.slotOf!(key);
      const group = groups.get(slot);
      if (group) group.push(i);
      else groups.set(slot, [i]);
    });
    return [...groups.values()];
  }

  return {
    name,
    shared: true,
    open: () => call('open', async (x) => void (await x.ready)),
    async getMany(entryKeys) {
      if (entryKeys.length === 0) return empty();
      const full = entryKeys.map(keys.entry);
      return call('MGET', async (x, signal) => {
        const values: (string | null)[] = new Array(full.length).fill(null);
        await Promise.all(
          perSlot(x, full).map(async (group) => {
            const reply = asArray(
              await x.mget(
                group.map((i) => full[i]!),
                signal,
              ),
              'MGET',
            );
            group.forEach((i, j) => {
              const value = reply[j];
              values[i] = typeof value === 'string' ? value : null;
            });
          }),
        );
        return values;
      });
    },
    async set(key, value, ttlMs) {
      const ttl = ttlOf(ttlMs);
      await call('SET', (x, signal) => x.set(keys.entry(key), value, ttl, signal));
    },
    async setIfAbsent(key, value, ttlMs) {
      const ttl = String(ttlOf(ttlMs));
      const reply = asArray(await call('SET NX', (x, s) => safeEval(x, SET_IF_ABSENT, [keys.entry(key)], [value, ttl], s)), 'SET NX');
      if (Number(reply[0]) === 1) return true;
      return typeof reply[1] === 'string' ? reply[1] : null;
    },
    async deleteIfEquals(key, value) {
      const deleted = await call('compare-and-delete', (x, s) => safeEval(x, COMPARE_AND_DELETE, [keys.entry(key)], [value], s));
      return Number(deleted) === 1;
    },
    async delete(entryKeys) {
      if (entryKeys.length === 0) return guard();
      const full = entryKeys.map(keys.entry);
      await call('DEL', (x, signal) =>
        Promise.all(
          perSlot(x, full).map((group) =>
            x.del(
              group.map((i) => full[i]!),
              signal,
            ),
          ),
        ),
      );
    },
    async time() {
      return parseTime(await call('TIME', (x, signal) => x.time(keys.journal, signal)));
    },
    async getTagRecords(tags) {
      if (tags.length === 0) return empty();
      // One MGET: every record key is in the tag system's slot.
      const reply = asArray(await call('MGET tags', (x, signal) => x.mget(tags.map(keys.tag), signal)), 'MGET');
      return tags.map((_, i) => recordOf(reply[i]));
    },
    async invalidate(tags, options) {
      const [expireIn, ttl] = invalidateArgs(options);
      const unique = [...new Set(tags)];
      if (unique.length === 0) return empty();
      const scriptKeys = [keys.journal, keys.journalMeta, ...unique.map(keys.tag)];
      const args = [expireIn, ttl, String(journal.maxLength), String(journal.retentionMs), '', ...unique];
      const reply = asArray(await call('invalidate', (x, s) => safeEval(x, INVALIDATE, scriptKeys, args, s)), 'invalidate');
      return unique.map((tag, i) => {
        const record = recordOf(reply[2 * i + 1]);
        if (!record) throw storeFailure(name, 'invalidate', new Error('the script answered without a record'));
        return { cursor: String(reply[2 * i]), tag, record };
      });
    },
    async readJournal(cursor, limit = JOURNAL_READ_LIMIT) {
      if (cursor !== undefined && !CURSOR_RE.test(cursor)) {
        throw new ViewletError('E_STORE_FAILED', `${name} store: ${JSON.stringify(cursor)} is not a journal cursor.`);
      }
      const count = Number.isFinite(limit) ? Math.min(Math.max(1, Math.floor(limit)), MAX_JOURNAL_READ) : JOURNAL_READ_LIMIT;
      const reply = asArray(
        await call('read journal', (x, s) => safeEval(x, READ_JOURNAL, [keys.journal, keys.journalMeta], [cursor ?? '', String(count)], s)),
        'read journal',
      );
      const entries: JournalEntry[] = [];
      for (let i = 5; i + 2 < reply.length; i += 3) {
        const record = recordOf(reply[i + 2]);
        if (record) entries.push({ cursor: String(reply[i]), tag: String(reply[i + 1]), record });
        else log.debug(`${name} store`, 'skipping a malformed journal entry');
      }
      const read: JournalRead = {
        cursor: String(reply[0]),
        entries,
        more: Number(reply[1]) === 1,
        gap: Number(reply[2]) === 1,
        coveredSince: Number(reply[3]),
        now: Number(reply[4]),
      };
      return read;
    },
    async close() {
      if (closed) return;
      closed = true;
      const opened = await executor?.catch(() => undefined);
      await opened?.close();
    },
  };
}

/** Milliseconds from a TIME reply (`[seconds, microseconds]`, as strings or numbers). */
export function parseTime(reply: unknown): number {
  const [seconds, micros] = Array.isArray(reply) ? reply.map(Number) : [];
  if (!Number.isSafeInteger(seconds) || !Number.isSafeInteger(micros)) {
    throw new ViewletError('E_STORE_FAILED', 'the store answered TIME with something that is not a time; is it a Redis server?');
  }
  return seconds! * 1000 + Math.floor(micros! / 1000);
}

function asArray(reply: unknown, op: string): unknown[] {
  if (Array.isArray(reply)) return reply;
  throw new ViewletError('E_STORE_FAILED', `the store answered ${op} with ${typeof reply} where a list was expected.`);
}

function recordOf(text: unknown): TagRecord | null {
  if (typeof text !== 'string') return null;
  const record = parseTagRecord(text);
  return Number.isFinite(record.at) ? record : null;
}

function invalidateArgs({ expireInMs, recordTtlMs }: InvalidateOptions): [string, string] {
  if (expireInMs !== undefined && !(Number.isFinite(expireInMs) && expireInMs >= 0)) {
    throw new ViewletError('E_STORE_FAILED', `expireInMs must be undefined or a number of milliseconds >= 0, got ${expireInMs}.`);
  }
  return [expireInMs === undefined ? '' : String(Math.ceil(expireInMs)), String(ttlOf(recordTtlMs))];
}
