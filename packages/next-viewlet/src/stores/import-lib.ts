/**
 * Client packages are optional peers: imported on first use, so an app on
 * memory needs neither `redis` nor `@upstash/redis`. A package the
 * configuration needs but that is not installed is a configuration error
 * (`E_STORE_CONFIG`, with the command that installs it), raised at start-up by
 * `resolveStoreConfig` and again by the store if it is created directly.
 */
import { createRequire } from 'node:module';
import { ViewletError } from '../core/errors.ts';

/** The client packages of the stores, by store name. */
export const CLIENT_PACKAGES = { redis: 'redis', 'redis-cluster': 'redis', upstash: '@upstash/redis' } as const;

/** The `E_STORE_CONFIG` error of a missing client package; `what` names the store ("the redis store (chosen by REDIS_URL)"). */
export function missingPackage(what: string, pkg: string, cause?: unknown): ViewletError {
  return new ViewletError('E_STORE_CONFIG', `${what} needs the \`${pkg}\` package, which is not installed; run \`npm install ${pkg}\`.`, {
    cause,
  });
}

/**
 * Loads a client package with `load` (e.g. `() => import('redis')`). Throws
 * `E_STORE_CONFIG` with the install command when it is missing, and with the
 * reason when it is there but fails to load.
 */
export async function importLib<T>(store: string, pkg: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (cause) {
    if (isNotFound(cause)) throw missingPackage(`the ${store} store`, pkg, cause);
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    throw new ViewletError('E_STORE_CONFIG', `the ${store} store could not load \`${pkg}\` (${detail}); reinstall it.`, { cause });
  }
}

/** How each client package is imported: one specifier per package, shared by the stores and `preloadClient`. */
export const CLIENT_LOADERS = {
  redis: () => import('redis'),
  '@upstash/redis': () => import('@upstash/redis'),
} as const;

/**
 * Starts importing the client package of `store` in the background, nothing
 * else (no connection). The handler modules call it when Next loads them at
 * start-up: `redis` is a few hundred modules, and imported at the first cache
 * call instead it took 850-1000 ms under a burst of cold requests, past the
 * read deadline, which opened the circuit on a healthy store. Node shares an
 * import in flight, so the store's own import joins this one; its failure is
 * the store's to report.
 */
export function preloadClient(store: string): void {
  const pkg = CLIENT_PACKAGES[store as keyof typeof CLIENT_PACKAGES];
  if (pkg) CLIENT_LOADERS[pkg]().catch(() => {});
}

/**
 * Whether `pkg` resolves from `from` (a file URL; default: this module, which is
 * where the store's `import()` resolves it from). Only a missing package answers
 * false; where nothing can be resolved (a bundle without file URLs) it answers
 * true and leaves the verdict to the import.
 */
export function isPackageInstalled(pkg: string, from: string = import.meta.url): boolean {
  if (!from.startsWith('file:')) return true;
  try {
    createRequire(from).resolve(pkg);
    return true;
  } catch (error) {
    return !isNotFound(error);
  }
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
}
