/**
 * Invalidation on top of Next's tags, in the library's two words plus one:
 * - revalidate (`revalidateViewlet`): stale now; the next request is served the
 *   stale copy while Next re-renders it in the background. No visitor waits.
 *   Next's `revalidateTag(tag, 'max')`.
 * - expire (`expireViewlet`): expired now; the next request renders.
 *   Next's `revalidateTag(tag, { expire: 0 })`.
 * - refresh (`refreshViewlet`, Server Actions only): expired now with
 *   read-your-own-writes for the acting visitor, then re-rendered after the
 *   response so the next visitor gets a hit.
 *
 * Each takes a viewlet (every entry), a viewlet and its args (one args
 * combination, all its variants; typed like `<Viewlet args>`), or a tag.
 */
import { revalidateTag, updateTag } from 'next/cache';
import { after } from 'next/server';
import type { CanonicalValue } from '../core/canonical-args.ts';
import { argsWhenNoneGiven } from '../core/define.ts';
import type { AnyViewlet, ViewletOf } from '../core/types.ts';
import { ViewletError } from '../core/errors.ts';
import { cachingEnabled } from '../core/settings.ts';
import { assertValidTag, viewletArgsTag, viewletTag } from '../core/tags.ts';
import { cachedViewlet, unwrapCached } from './cached-viewlet.ts';
import { reportViewletError } from './report-error.ts';
import { resolveVary, type VariantOverride } from './resolve-vary.ts';

/** A viewlet (all its entries, or one args combination when args are given) or a tag. */
export type InvalidationTarget = AnyViewlet | string;

export interface InvalidationResult {
  /** The tags that were invalidated (one: `viewlet:<name>`, `viewlet:<name>:<args>` or the tag given). */
  tags: string[];
}

interface Resolved {
  tag: string;
  definition?: AnyViewlet;
  args?: CanonicalValue[];
}

async function resolveTarget(target: InvalidationTarget, args: readonly unknown[] | undefined): Promise<Resolved> {
  if (typeof target === 'string') {
    if (args !== undefined) {
      throw new ViewletError('E_INVALID_ARGS', 'args can only be given with a viewlet, not with a tag.');
    }
    assertValidTag(target);
    return { tag: target };
  }
  if (target?.kind !== 'viewlet') {
    throw new ViewletError('E_INVALID_TARGET', 'invalidation needs a viewlet (from viewlet()) or a tag string.');
  }
  if (args === undefined) return { tag: viewletTag(target.name), definition: target };
  const canonical = await target.normalizeArgs(args);
  return { tag: viewletArgsTag(target.name, canonical), definition: target, args: canonical };
}

/**
 * Revalidate: marks entries stale; each is served once more while it re-renders
 * in the background. Server Actions and Route Handlers. Returns the tag invalidated.
 */
export function revalidateViewlet(tag: string): Promise<InvalidationResult>;
export function revalidateViewlet<A extends unknown[]>(viewlet: ViewletOf<A>, args?: A): Promise<InvalidationResult>;
export async function revalidateViewlet(target: InvalidationTarget, args?: readonly unknown[]): Promise<InvalidationResult> {
  const { tag } = await resolveTarget(target, args);
  revalidateTag(tag, 'max');
  return { tags: [tag] };
}

/**
 * Expire: entries are expired now; the next request renders them. Server
 * Actions and Route Handlers. Returns the tag invalidated.
 */
export function expireViewlet(tag: string): Promise<InvalidationResult>;
export function expireViewlet<A extends unknown[]>(viewlet: ViewletOf<A>, args?: A): Promise<InvalidationResult>;
export async function expireViewlet(target: InvalidationTarget, args?: readonly unknown[]): Promise<InvalidationResult> {
  const { tag } = await resolveTarget(target, args);
  revalidateTag(tag, { expire: 0 });
  return { tags: [tag] };
}

export interface RefreshOptions {
  /**
   * Which variants to re-render. Each is the current request's vary facts with
   * these overrides (e.g. `{ path: '/products/3' }` from an admin page).
   * @default [{}] (the current request's variant only)
   */
  variants?: VariantOverride[];
}

/**
 * Refresh after a write, from a Server Action: expires the entries now (the
 * acting visitor sees fresh output in the action's response), then re-renders
 * the given variants after the response, so the next request is a cache hit.
 * Without args, every entry of the viewlet is expired and only a viewlet whose
 * render takes no args is re-rendered. With a tag, entries are expired only.
 * Outside a Server Action it throws `E_NOT_SERVER_ACTION`.
 */
export function refreshViewlet(tag: string): Promise<InvalidationResult>;
export function refreshViewlet<A extends unknown[]>(viewlet: ViewletOf<A>, args?: A, options?: RefreshOptions): Promise<InvalidationResult>;
export async function refreshViewlet(
  target: InvalidationTarget,
  args?: readonly unknown[],
  options: RefreshOptions = {},
): Promise<InvalidationResult> {
  const { tag, definition, args: canonical } = await resolveTarget(target, args);
  const renderArgs = canonical ?? (definition ? await argsWhenNoneGiven(definition) : undefined);
  const variants = options.variants ?? [{}];
  // Resolve every variant now, while the action's request is in scope.
  const jobs =
    definition && renderArgs && cachingEnabled() && definition.life.kind !== 'none'
      ? await Promise.all(variants.map(async (override) => resolveVary(definition, renderArgs, override)))
      : [];
  try {
    updateTag(tag);
  } catch (error) {
    throw new ViewletError(
      'E_NOT_SERVER_ACTION',
      'refreshViewlet() works only inside a Server Action; use revalidateViewlet() or expireViewlet() in Route Handlers.',
      { cause: error },
    );
  }
  if (jobs.length > 0) {
    // The tag update is applied after the action body; rendering now would store
    // an entry that is born expired. after() runs once it has been applied.
    after(async () => {
      for (const vary of jobs) {
        try {
          unwrapCached(await cachedViewlet(definition!.name, vary, renderArgs!));
        } catch (error) {
          reportViewletError(definition!.name, error);
        }
      }
    });
  }
  return { tags: [tag] };
}
