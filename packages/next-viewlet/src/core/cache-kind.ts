/**
 * Cache kinds: which of Next's `cacheHandlers` (and so which store) a
 * viewlet's entries go to. `'default'` (`'use cache'`) and `'remote'`
 * (`'use cache: remote'`) have a cached function inside the library. A custom
 * kind cannot: Next's compiler reads the `'use cache: <kind>'` directive as a
 * literal and refuses a kind that is not a key of `cacheHandlers`, so the app
 * declares the function once with `defineViewletCache()` and the library runs
 * the same body inside it (`runViewletCache`).
 */
import type { CanonicalValue } from './canonical-args.ts';
import { ViewletError } from './errors.ts';
import type { VaryValues } from './vary.ts';

/** The kinds with a cached function inside the library. */
export const BUILT_IN_CACHE_KINDS = ['default', 'remote'] as const;
export type BuiltInCacheKind = (typeof BUILT_IN_CACHE_KINDS)[number];

/** What Next accepts as a `cacheHandlers` key (next/dist/server/config.js); `private` cannot have a handler. */
const KIND_RE = /^[a-z-]+$/;
const MAX_KIND_LENGTH = 64;

/** A cached function of a kind: `(name, vary, args)` in, the cached result out. */
export type ViewletCacheFunction = (name: string, vary: VaryValues, args: CanonicalValue[]) => Promise<unknown>;

/** A custom cache kind the app declared (`defineViewletCache`): pass it as `viewlet({ store })`. */
export interface ViewletCache {
  readonly kind: 'viewlet-cache';
  /** The kind's name: the `cacheHandlers` key and the word after `'use cache: '`. */
  readonly name: string;
  readonly run: ViewletCacheFunction;
}

/** A viewlet's `store`: a built-in kind, a declared custom kind by name, or its declaration. */
export type ViewletStoreOption = BuiltInCacheKind | (string & {}) | ViewletCache;

/** Checks a kind name as Next would (a `cacheHandlers` key); returns it. Throws `E_INVALID_STORE`. */
export function assertCacheKind(kind: unknown, where: string): string {
  if (typeof kind !== 'string' || !KIND_RE.test(kind) || kind.length > MAX_KIND_LENGTH) {
    throw new ViewletError(
      'E_INVALID_STORE',
      `${where}: store ${JSON.stringify(kind)} is not a cache kind Next accepts; use 'default', 'remote' or a custom kind of lowercase letters and '-' (a key of cacheHandlers in next.config).`,
    );
  }
  if (kind === 'private') {
    throw new ViewletError(
      'E_INVALID_STORE',
      `${where}: 'use cache: private' has no cache handler (Next keeps private entries per request); use 'default', 'remote' or a custom kind.`,
    );
  }
  return kind;
}

export const isBuiltInCacheKind = (kind: string): kind is BuiltInCacheKind => (BUILT_IN_CACHE_KINDS as readonly string[]).includes(kind);

const declared = new Map<string, ViewletCache>();

/**
 * Declares the cached function of a custom cache kind, once per app. The
 * directive must be written out (Next's compiler reads it), and the kind must be
 * a key of `cacheHandlers` (`withViewlets(config, { stores: { archive: {...} } })` adds it):
 *
 * ```ts
 * export const archive = defineViewletCache('archive', async (name, vary, args) => {
 *   'use cache: archive';
 *   return runViewletCache(name, vary, args);
 * });
 * // viewlet({ name: 'old-orders', store: archive }, ...)
 * ```
 */
export function defineViewletCache(name: string, run: ViewletCacheFunction): ViewletCache {
  assertCacheKind(name, 'defineViewletCache()');
  if (isBuiltInCacheKind(name)) {
    throw new ViewletError(
      'E_INVALID_STORE',
      `defineViewletCache(): "${name}" is built in; use viewlet({ store: '${name}' }) without declaring it.`,
    );
  }
  if (typeof run !== 'function') {
    throw new ViewletError(
      'E_INVALID_STORE',
      `defineViewletCache("${name}") needs an async function with 'use cache: ${name}' that returns runViewletCache(name, vary, args).`,
    );
  }
  // A re-evaluated module (hot reload, a second layer) declares it again: the latest wins.
  const cache: ViewletCache = Object.freeze({ kind: 'viewlet-cache', name, run });
  declared.set(name, cache);
  return cache;
}

/** The declared cache of a custom kind, if its module was loaded. */
export function findViewletCache(name: string): ViewletCache | undefined {
  return declared.get(name);
}

/**
 * Validates a viewlet's `store` at definition time: the kind's name, and a
 * declaration passed as the object. A custom kind named by a string may be
 * declared by a module evaluated later; `cacheFunctionFor` checks it at render.
 */
export function resolveStoreOption(store: unknown, viewletName: string): { store: string; cache?: ViewletCache } {
  if (store === undefined) return { store: 'default' };
  const where = `viewlet "${viewletName}"`;
  if (store !== null && typeof store === 'object') {
    const cache = store as Partial<ViewletCache>;
    if (cache.kind !== 'viewlet-cache' || typeof cache.run !== 'function') {
      throw new ViewletError(
        'E_INVALID_STORE',
        `${where}: store must be 'default', 'remote', a custom kind's name or what defineViewletCache() returned.`,
      );
    }
    return { store: assertCacheKind(cache.name, where), cache: cache as ViewletCache };
  }
  return { store: assertCacheKind(store, where) };
}

/** The error for a custom kind no module declared: what to add. */
export function undeclaredKind(viewletName: string, kind: string): ViewletError {
  return new ViewletError(
    'E_INVALID_STORE',
    `viewlet "${viewletName}" uses store "${kind}", but no defineViewletCache('${kind}', ...) is loaded; declare it (a function with 'use cache: ${kind}' returning runViewletCache(name, vary, args)) and pass it as store, or import its module where the viewlet is defined.`,
  );
}

/** Test helper: forget every declaration. */
export function clearViewletCaches(): void {
  declared.clear();
}
