/**
 * Refused input from visitors (a bad island name or args) is logged, but a
 * flood of it must not flood the log: one line per kind per minute, naming
 * how many were refused since the last line. Each client also has a budget of
 * refusals per minute; past it, its calls are refused before any checking.
 * Both are in memory, per process, bounded.
 */
import { LRUCache } from 'lru-cache';
import { defaultLog, type Log } from '../util/log.ts';

export interface RefusalLogOptions {
  /** Length of a window, in ms. @default 60_000 */
  windowMs?: number;
  /** Clients remembered at most (memory bound; a forgotten client starts a new budget). @default 10_000 */
  maxClients?: number;
  /** Clock in ms. @default Date.now */
  now?: () => number;
  /** Where lines go. @default defaultLog */
  log?: Pick<Log, 'warn'>;
}

export interface RefusalLog {
  /** Whether `client` has refusals left in this window (`limit` per window). Does not count. */
  allowed(client: string, limit: number): boolean;
  /** Counts one refusal of `kind` for `client` (if known); logs it if it is the first of its kind in the window. */
  record(kind: string, client: string | undefined, message: string): void;
}

/** Client keys come from headers: cut and made printable before they reach a map or a log line. */
export function printableClient(client: string): string {
  return client.slice(0, 64).replace(/[^\x21-\x7e]/g, '?') || 'unknown';
}

export function createRefusalLog(options: RefusalLogOptions = {}): RefusalLog {
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const log = options.log ?? defaultLog;
  const clients = new LRUCache<string, { count: number; resetAt: number }>({ max: options.maxClients ?? 10_000 });
  // Kinds are our own error codes: a handful, so this map stays small.
  const kinds = new Map<string, { loggedAt: number; since: number }>();

  const windowOf = (client: string, at: number) => {
    const key = printableClient(client);
    let window = clients.get(key);
    if (!window || window.resetAt <= at) {
      window = { count: 0, resetAt: at + windowMs };
      clients.set(key, window);
    }
    return window;
  };

  return {
    allowed(client, limit) {
      const window = clients.get(printableClient(client));
      return !window || window.resetAt <= now() || window.count < limit;
    },
    record(kind, client, message) {
      const at = now();
      if (client !== undefined) windowOf(client, at).count += 1;
      const seen = kinds.get(kind);
      if (seen && at - seen.loggedAt < windowMs) {
        seen.since += 1;
        return;
      }
      const earlier = seen && seen.since > 0 ? ` (${seen.since} more since the last line)` : '';
      kinds.set(kind, { loggedAt: at, since: 0 });
      log.warn(
        `${kind}${client === undefined ? '' : ` from ${printableClient(client)}`}: ${message}${earlier}; more like it are counted, not logged, for ${Math.round(windowMs / 1000)} s.`,
      );
    },
  };
}

const KEY = Symbol.for('next-viewlet.refusal-log');
type Holder = { [KEY]?: RefusalLog };

/** The process-wide refusal log, shared by every copy of this module. */
export function processRefusalLog(): RefusalLog {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= createRefusalLog());
}
