/**
 * One journal read per request across both handlers.
 *
 * Next asks the incremental cache handler for a page (its response cache)
 * before anything renders, and that `get` reads the shared tier's journal.
 * When the page then renders `'use cache'` functions, the `'use cache'`
 * handler's `refreshTags()` would read it again (measured: two journal reads
 * per page view). The two calls cannot be tied to one request directly: Next
 * builds a separate incremental cache (and handler) for the lookup and for the
 * render, and the lookup runs outside the render's work store. What ties them:
 * the render's work store names its route (`page`) and when it started
 * (`requestStartTime`), and the lookup's key carries the route's hash
 * (`/route-cache/<KIND>/<sha256 of the route>/...`).
 *
 * So each lookup records, per route, when its journal read started. A render
 * skips its own read when the latest lookup of its route started a read at
 * most `LOOKUP_WINDOW_MS` before the render started: this request's own lookup
 * started one after the request arrived, and the latest is at least as recent
 * (the window only makes sure the route is one that has lookups at all). A read that starts
 * after a request arrived sees every invalidation made before it, which is all
 * "visible on the next request" promises. Without a work store, on another
 * tier, or for a route that had no lookup, the handler reads as before: the
 * mark only saves a round trip, it never decides what is fresh.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { LRUCache } from 'lru-cache';
import type { SharedTier } from './shared-tier.ts';

/** A lookup's read counts for a render that starts at most this long after it started, in ms. */
export const LOOKUP_WINDOW_MS = 2000;

type Mark = { tier: SharedTier; startedAt: number; done: Promise<void> };
type WorkStoreLike = { page?: unknown; requestStartTime?: unknown };
type Storage = { getStore(): WorkStoreLike | undefined };

const MARKS = Symbol.for('next-viewlet.request-refresh');
type Holder = { [MARKS]?: LRUCache<string, Mark> };
/** The latest lookup read per route hash, on `globalThis` (the handlers may be separate copies of this module). */
const marks = (): LRUCache<string, Mark> => ((globalThis as Holder)[MARKS] ??= new LRUCache({ max: 1000 }));

/** Milliseconds on the clock Next stamps `requestStartTime` with. */
const now = () => performance.timeOrigin + performance.now();

let storage: Storage | null | undefined;

/** Next's work store of the running render (its module is external to bundles: one instance per process). */
function workStore(): WorkStoreLike | undefined {
  if (storage === undefined) {
    try {
      const require = createRequire(import.meta.url);
      storage = (require('next/dist/server/app-render/work-async-storage.external.js') as { workAsyncStorage: Storage }).workAsyncStorage;
    } catch {
      storage = null;
    }
  }
  try {
    return storage?.getStore();
  } catch {
    return undefined;
  }
}

/** The route hash of a response-cache key (`/route-cache/<KIND>/<hash>/$<path>`), or `undefined` for other keys. */
export function routeHashOf(cacheKey: string): string | undefined {
  const match = /^\/route-cache\/[A-Z_]+\/([0-9a-f]{64})\//.exec(cacheKey);
  return match?.[1];
}

/** Records that a lookup of the route behind `cacheKey` started reading `tier`'s journal now; `done` settles when it has. */
export function markLookupRefresh(cacheKey: string, tier: SharedTier, done: Promise<void>): void {
  const route = routeHashOf(cacheKey);
  if (route) marks().set(route, { tier, startedAt: now(), done });
}

const READS = Symbol.for('next-viewlet.request-reads');
type ReadHolder = { [READS]?: WeakMap<object, WeakMap<object, Promise<void>>> };

/**
 * Runs `refresh` (a read of `tier`'s journal) once per request: Next asks each
 * cache kind's handler for `refreshTags()` once per request, and kinds with
 * stores of their own are judged by one tag tier, which needs one read. Keyed by
 * the request's work store; without one (outside a request) it just runs.
 */
export function refreshOncePerRequest(tier: SharedTier, refresh: () => Promise<void>): Promise<void> {
  const store = workStore();
  if (!store) return refresh();
  const requests = ((globalThis as ReadHolder)[READS] ??= new WeakMap());
  let reads = requests.get(store);
  if (!reads) requests.set(store, (reads = new WeakMap()));
  let read = reads.get(tier.tags);
  if (!read) {
    read = refresh();
    reads.set(tier.tags, read);
  }
  return read;
}

/** Whether this render's request already read `tier`'s journal in its page lookup (waits for that read to finish). */
export async function refreshedThisRequest(tier: SharedTier): Promise<boolean> {
  const store = workStore();
  const page = store?.page;
  const started = store?.requestStartTime;
  if (typeof page !== 'string' || typeof started !== 'number') return false;
  const mark = marks().get(createHash('sha256').update(page).digest('hex'));
  // Judged by the same tags (kinds with stores of their own share the tag tier's tags).
  if (!mark || mark.tier.tags !== tier.tags || started - mark.startedAt > LOOKUP_WINDOW_MS) return false;
  try {
    await mark.done;
  } catch {
    return false;
  }
  return true;
}
