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
import { findViewlet } from '../core/registry.ts';
import { assertValidTag, viewletArgsTag, viewletTag } from '../core/tags.ts';
import { cacheFunctionFor } from './cache-function-for.ts';
import { type CachedResult, unwrapCached } from './cached-viewlet.ts';
import { reportViewletError } from './report-error.ts';
import { resolveVary, type VariantOverride } from './resolve-vary.ts';

/** Most variants one refresh re-renders. */
const MAX_REFRESH_VARIANTS = 100;

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
  // Types first: a target may come from a form or a request body.
  if (args !== undefined && !Array.isArray(args)) {
    throw new ViewletError('E_INVALID_ARGS', `invalidation args must be an array, got ${args === null ? 'null' : typeof args}.`);
  }
  if (typeof target === 'string') {
    if (args !== undefined) {
      throw new ViewletError('E_INVALID_ARGS', 'args can only be given with a viewlet, not with a tag.');
    }
    assertValidTag(target);
    return { tag: target };
  }
  if (target === null || typeof target !== 'object' || target.kind !== 'viewlet' || typeof target.name !== 'string') {
    throw new ViewletError(
      'E_INVALID_TARGET',
      `invalidation needs a viewlet (from viewlet()) or a tag string, got ${target === null ? 'null' : typeof target}.`,
    );
  }
  const definition = findViewlet(target.name);
  if (!definition) {
    throw new ViewletError(
      'E_UNKNOWN_VIEWLET',
      `no viewlet named ${JSON.stringify(target.name.slice(0, 100))} is loaded; import the module that defines it where you invalidate it.`,
    );
  }
  if (args === undefined) return { tag: viewletTag(definition.name), definition };
  const canonical = await definition.normalizeArgs(args);
  return { tag: viewletArgsTag(definition.name, canonical), definition, args: canonical };
}

function checkVariants(variants: unknown): VariantOverride[] {
  if (variants === undefined) return [{}];
  if (!Array.isArray(variants) || variants.length > MAX_REFRESH_VARIANTS) {
    throw new ViewletError('E_INVALID_ARGS', `refreshViewlet: variants must be an array of at most ${MAX_REFRESH_VARIANTS} overrides.`);
  }
  for (const [i, variant] of variants.entries()) {
    const ok =
      variant !== null &&
      typeof variant === 'object' &&
      Object.entries(variant).every(([key, value]) =>
        key === 'path' ? typeof value === 'string' : (key === 'user' || key === 'session') && (value === null || typeof value === 'string'),
      );
    if (!ok) {
      throw new ViewletError(
        'E_INVALID_ARGS',
        `refreshViewlet: variants[${i}] must be { user?: string | null, session?: string | null, path?: string }.`,
      );
    }
  }
  return variants as VariantOverride[];
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
  const variants = checkVariants(options?.variants);
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
          const cachedFn = cacheFunctionFor(definition!);
          unwrapCached((await cachedFn(definition!.name, vary, renderArgs!)) as CachedResult);
        } catch (error) {
          reportViewletError(definition!.name, error);
        }
      }
    });
  }
  return { tags: [tag] };
}
