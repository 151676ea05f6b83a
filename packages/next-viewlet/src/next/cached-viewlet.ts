/**
 * The cached functions viewlets go through, one per cache kind
 * (`'use cache'`, `'use cache: remote'`, and the app's custom kinds declared
 * with `defineViewletCache`), all running ONE body (`runViewletCache`). The key
 * is (name, vary, args), always built by the same normaliser, so equal requests
 * share an entry. Tags and life come from the registered definition.
 */
import { cacheLife, cacheTag } from 'next/cache';
import type { CanonicalValue } from '../core/canonical-args.ts';
import { ViewletError, type ViewletErrorCode } from '../core/errors.ts';
import { getViewlet } from '../core/registry.ts';
import type { AnyViewlet, ViewletContext } from '../core/types.ts';
import type { VaryValues } from '../core/vary.ts';
import { markErrorCounted, timedRender } from '../metrics/timed-render.ts';
import { markReported, reportViewletError } from './report-error.ts';

/** The context a render function receives: the name plus exactly the vary facts resolved for it. */
export function contextFor(name: string, vary: VaryValues): ViewletContext {
  return Object.freeze({ name, ...vary });
}

/** Runs what a viewlet caches: its render output, or in data mode its `load`. Counted and timed as one render. */
export function runViewlet(definition: AnyViewlet, vary: VaryValues, args: readonly CanonicalValue[]): Promise<unknown> {
  const ctx = contextFor(definition.name, vary);
  return timedRender(definition.name, () =>
    definition.mode === 'data' ? definition.load!(ctx, ...args) : definition.render(ctx, ...args),
  );
}

/**
 * What the cached function returns: a failure is returned (not thrown) so it
 * is logged once, by us. It crosses Next's serialisation as plain data, so a
 * `ViewletError` travels as its code and message and is rebuilt on the other side.
 */
export type CachedResult =
  | { ok: true; value: unknown }
  | { ok: false; name: string; message: string; code?: ViewletErrorCode; stack?: string; reported: true };

/** The `default` kind (`'use cache'`). */
export async function cachedViewlet(name: string, vary: VaryValues, args: CanonicalValue[]): Promise<CachedResult> {
  'use cache';
  return runViewletCache(name, vary, args);
}

/** The `remote` kind (`'use cache: remote'`): its own handler, and its own store when one is configured. */
export async function cachedViewletRemote(name: string, vary: VaryValues, args: CanonicalValue[]): Promise<CachedResult> {
  'use cache: remote';
  return runViewletCache(name, vary, args);
}

/**
 * What every kind's cached function does, inside its cache scope: life and tags
 * from the definition, then the render; a failure is returned as data and never
 * cached. A custom kind's function (see `defineViewletCache`) returns this with
 * its arguments passed on unchanged (they are the key).
 */
export async function runViewletCache(name: string, vary: VaryValues, args: CanonicalValue[]): Promise<CachedResult> {
  try {
    const definition = getViewlet(name);
    const { life } = definition;
    if (life.kind === 'profile') cacheLife(life.profile);
    else if (life.kind === 'explicit') {
      const { kind: _kind, ...explicit } = life;
      cacheLife(explicit);
    }
    cacheTag(...definition.tagsFor(args));
    return { ok: true, value: await runViewlet(definition, vary, args) };
  } catch (error) {
    // Never cache a failure: an entry that expires at once is dropped by every
    // handler, so a stale copy in the store survives a failed re-render.
    cacheLife({ stale: 0, revalidate: 0, expire: 0 });
    // Reported here, not only where the result is read: a background re-render
    // has no reader, and its visitors get the stale copy (stale-if-error).
    reportViewletError(name, error, { where: 'cache' });
    const err = error instanceof Error ? error : new Error(String(error));
    return {
      ok: false,
      name: err.name,
      message: err.message,
      ...(err instanceof ViewletError && { code: err.code }),
      ...(err.stack ? { stack: err.stack } : {}),
      reported: true,
    };
  }
}

/** Turns a failed result back into an error (a `ViewletError` with its code when it was one), for the caller to report. */
export function unwrapCached(result: CachedResult): unknown {
  if (result.ok) return result.value;
  let error: Error;
  if (result.code !== undefined) error = new ViewletError(result.code, result.message);
  else {
    error = new Error(result.message);
    error.name = result.name;
  }
  if (result.stack) error.stack = result.stack;
  // The failed render was counted where it ran (in the cached function).
  markErrorCounted(error);
  throw result.reported ? markReported(error) : error;
}
