/**
 * `<Viewlet>`: renders a viewlet from the cache. Vary facts are resolved here,
 * outside the cache scope, and passed with canonical args into the one cached
 * function. A failure shows the fallback; the rest of the page renders.
 */
import { unstable_rethrow } from 'next/navigation';
import { connection } from 'next/server';
import { Suspense, type ReactNode } from 'react';
import { contextFor } from '../core/context.ts';
import type { ViewletDefinition } from '../core/define.ts';
import { cachingEnabled } from '../core/settings.ts';
import { cachedViewlet, unwrapCached } from '../next/cached-viewlet.ts';
import { reportViewletError } from '../next/report-error.ts';
import { resolveVary } from '../next/request-vary.ts';
import { runViewlet } from '../next/run-viewlet.ts';
import { ViewletBoundary } from './viewlet-boundary.tsx';

export type ViewletProps<A extends unknown[]> = {
  /** The viewlet to render. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  of: ViewletDefinition<A, any>;
  /** Shown while the viewlet streams in, and instead of it when it fails. Default: nothing. */
  fallback?: ReactNode;
} & ([] extends A ? { args?: A } : { args: A });

export function Viewlet<A extends unknown[]>(props: ViewletProps<A>): ReactNode {
  return (
    <Suspense fallback={props.fallback ?? null}>
      <ViewletBody of={props.of} args={(props.args ?? []) as A} fallback={props.fallback} />
    </Suspense>
  );
}

async function ViewletBody<A extends unknown[]>({
  of,
  args,
  fallback,
}: {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  of: ViewletDefinition<A, any>;
  args: A;
  fallback: ReactNode;
}): Promise<ReactNode> {
  try {
    const canonical = await of.normalizeArgs(args);
    const vary = await resolveVary(of, canonical);
    // Viewlets are always request-time: served from the cache handler, so the
    // kill switch and invalidations apply at run time, not only at build time.
    if (of.vary === 'sitewide') await connection();
    const cached = cachingEnabled() && of.life.kind !== 'none';
    if (!cached) await connection();
    const value = cached ? unwrapCached(await cachedViewlet(of.name, vary, canonical)) : await runViewlet(of, vary, canonical);
    const output =
      of.mode === 'data' ? await of.render({ ...contextFor(of.name, vary), data: value }, ...(canonical as A)) : value;
    return (
      <ViewletBoundary name={of.name} fallback={fallback}>
        {output as ReactNode}
      </ViewletBoundary>
    );
  } catch (error) {
    unstable_rethrow(error);
    reportViewletError(of.name, error);
    return fallback ?? null;
  }
}
