/**
 * Which cached function a viewlet's entries go through, by its `store` kind,
 * and whether a handler serves that kind. The kinds are only known at render
 * (definitions are app code, next.config never sees them), so a kind that no
 * handler serves is found at the viewlet's first render: it shows its fallback
 * and the log says what to add to next.config.
 */
import { findViewletCache, undeclaredKind, type ViewletCacheFunction } from '../core/cache-kind.ts';
import { ViewletError } from '../core/errors.ts';
import type { AnyViewlet } from '../core/types.ts';
import { cachedViewlet, cachedViewletRemote } from './cached-viewlet.ts';

// Next keeps its handlers on globalThis (next/dist/server/use-cache/handlers.js).
const HANDLERS = Symbol.for('@next/cache-handlers-map');
const BUILT_IN = Symbol.for('@next/cache-handlers-built-in');
type NextHandlers = { [HANDLERS]?: Map<string, unknown>; [BUILT_IN]?: Set<unknown> };

/** The cached function of the viewlet's kind. Throws `E_INVALID_STORE` for a kind that cannot be served. */
export function cacheFunctionFor(definition: AnyViewlet): ViewletCacheFunction {
  const kind = definition.store;
  if (kind === 'default') return cachedViewlet;
  assertKindServed(definition.name, kind);
  if (kind === 'remote') return cachedViewletRemote;
  const cache = definition.cache ?? findViewletCache(kind);
  if (!cache) throw undeclaredKind(definition.name, kind);
  return cache.run;
}

/**
 * A kind other than `default` must have a handler of its own in next.config:
 * without one Next serves `remote` from its built-in in-process handler (not
 * the shared store the viewlet asks for) and fails a custom kind outright.
 * Outside a Next server (no handler map) nothing is checked.
 */
export function assertKindServed(viewletName: string, kind: string): void {
  const next = globalThis as NextHandlers;
  const handlers = next[HANDLERS];
  if (!handlers) return;
  const handler = handlers.get(kind);
  if (handler !== undefined && !next[BUILT_IN]?.has(handler)) return;
  throw new ViewletError(
    'E_INVALID_STORE',
    `viewlet "${viewletName}" uses store "${kind}", but no cache handler is configured for the "${kind}" kind${handler === undefined ? '' : " (Next's built-in in-process one would serve it)"}; use withViewlets() without cacheHandler: false${kind === 'remote' ? '' : ` and stores: { '${kind}': {} }`}, or set cacheHandlers['${kind}'] in next.config.`,
  );
}
