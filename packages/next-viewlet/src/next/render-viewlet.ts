/**
 * One render of a viewlet for the current request, shared by `<Viewlet>` and
 * the island action: vary facts from the request, then the cache (or a direct
 * render when caching is off or the variant is past its bound), then, in data
 * mode, the render of the data. Each call is counted by outcome (see src/metrics).
 */
import { unstable_rethrow } from 'next/navigation';
import { connection } from 'next/server';
import { cache } from 'react';
import type { CanonicalValue } from '../core/canonical-args.ts';
import type { AnyViewlet } from '../core/types.ts';
import { cachingEnabled, getSettings } from '../core/settings.ts';
import { DEFAULT_MAX_VARIANTS, processVariantBudget, type RequestAdmissions } from '../core/variant-budget.ts';
import { trackViewletCall } from '../metrics/track-viewlet-call.ts';
import { cacheFunctionFor } from './cache-function-for.ts';
import { type CachedResult, contextFor, runViewlet, unwrapCached } from './cached-viewlet.ts';
import { resolveVary } from './resolve-vary.ts';

/** New variants admitted by this request (React's cache(): one object per request). */
const requestAdmissions = cache((): RequestAdmissions => ({ admitted: 0 }));

export async function renderViewlet(definition: AnyViewlet, args: CanonicalValue[]): Promise<unknown> {
  const call = trackViewletCall(definition.name);
  try {
    const vary = await resolveVary(definition, args);
    let cached = cachingEnabled() && definition.life.kind !== 'none';
    if (cached && (definition.vary !== 'sitewide' || args.length > 0)) {
      const max = definition.maxVariantsPerInstance ?? getSettings().maxVariantsPerInstance ?? DEFAULT_MAX_VARIANTS;
      cached = processVariantBudget().admit(definition.name, vary, args, max, requestAdmissions()) === 'cached';
    }
    // Viewlets are always request-time: served from the cache handler, so the
    // kill switch and invalidations apply at run time, not only at build time.
    if (!cached || definition.vary === 'sitewide') await connection();
    let value: unknown;
    if (cached) {
      const cachedFn = cacheFunctionFor(definition);
      const run = () => cachedFn(definition.name, vary, args) as Promise<CachedResult>;
      value = unwrapCached(await (call ? call.cached(run) : run()));
    } else {
      call?.uncached();
      value = await runViewlet(definition, vary, args);
    }
    const output = definition.mode === 'data' ? definition.render({ ...contextFor(definition.name, vary), data: value }, ...args) : value;
    call?.done();
    return output;
  } catch (error) {
    if (call && !isNextControlFlow(error)) call.failed(error);
    throw error;
  }
}

/** Next's own throws (postponing a prerender, redirects, ...) are not failures. */
function isNextControlFlow(error: unknown): boolean {
  try {
    unstable_rethrow(error);
    return false;
  } catch {
    return true;
  }
}
