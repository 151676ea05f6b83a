/**
 * One journal read per request across both handlers. Next builds a new
 * incremental cache handler for every request and asks it for the page before
 * anything renders; that `get` reads the journal of the shared tier and marks
 * itself. When the page then renders `'use cache'` functions, the `'use cache'`
 * handler's `refreshTags()` finds the mark through Next's work store (the
 * request's incremental cache is on it) and does not read the journal again.
 * Without a work store, or another tier, it reads as before: the mark only
 * saves a round trip, it never decides what is fresh.
 */
import { createRequire } from 'node:module';
import type { SharedTier } from './shared-tier.ts';

const MARK = Symbol.for('next-viewlet.request-refresh');

type Marked = { [MARK]?: { tier: SharedTier; done: Promise<void> } };
type WorkStoreLike = { incrementalCache?: { cacheHandler?: Marked } };
type Storage = { getStore(): WorkStoreLike | undefined };

let storage: Storage | null | undefined;

/** Next's work store of the running request (its module is external to bundles: one instance per process). */
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

/** Records that `handler` (this request's incremental cache handler) refreshed `tier`; `done` settles when it has. */
export function markRequestRefresh(handler: object, tier: SharedTier, done: Promise<void>): void {
  (handler as Marked)[MARK] = { tier, done };
}

/** Whether this request already read `tier`'s journal (waits for that read to finish). */
export async function refreshedThisRequest(tier: SharedTier): Promise<boolean> {
  const mark = workStore()?.incrementalCache?.cacheHandler?.[MARK];
  if (!mark || mark.tier !== tier) return false;
  await mark.done;
  return true;
}
