/**
 * The handler of the `remote` cache kind (`'use cache: remote'`), for Next's
 * `cacheHandlers.remote`. Next loads each kind's module with `import()` and
 * gives the handler no kind, so a kind with a store of its own needs a module
 * of its own: with `VIEWLET_REMOTE_STORE_URL` set, this one's handler keeps the
 * kind's entries in that store (its tags judged by the process's one tag store);
 * without it, it is the `default` kind's handler itself (one object, one store,
 * exactly as when both kinds share `next-cache-handler`).
 */
import { resolveKindStoreOptions } from '../stores/from-env.ts';
import defaultHandler, { createCacheHandler, envTimeoutMs, type ViewletCacheHandler } from './next-cache-handler.ts';

// Fail at start-up on an invalid VIEWLET_REMOTE_STORE_URL / _TOKEN.
const own = resolveKindStoreOptions('remote', process.env) !== undefined;

const handler: ViewletCacheHandler = own
  ? createCacheHandler({ kind: 'remote', ...(envTimeoutMs === undefined ? {} : { timeoutMs: envTimeoutMs }) })
  : defaultHandler;
export default handler;
