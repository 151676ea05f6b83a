/**
 * `<Viewlet>`: renders a viewlet from the cache. Vary facts are resolved here,
 * outside the cache scope, and passed with canonical args into the one cached
 * function. A failure shows the fallback; the rest of the page renders.
 */
import { unstable_rethrow } from 'next/navigation';
import { Suspense, type ReactNode } from 'react';
import type { ViewletOf } from '../core/types.ts';
import { renderViewlet } from '../next/render-viewlet.ts';
import { reportViewletError } from '../next/report-error.ts';
import { ViewletBoundary } from './viewlet-boundary.tsx';

export type ViewletProps<A extends unknown[]> = {
  /** The viewlet to render. */
  of: ViewletOf<A>;
  /** Shown while the viewlet streams in, and instead of it when it fails. @default nothing */
  fallback?: ReactNode;
} & ([] extends A
  ? {
      /** The viewlet's args (checked by its schema, canonicalised). @default [] */
      args?: A;
    }
  : {
      /** The viewlet's args (checked by its schema, canonicalised). */
      args: A;
    });

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
  of: ViewletOf<A>;
  args: A;
  fallback: ReactNode;
}): Promise<ReactNode> {
  try {
    const output = await renderViewlet(of, await of.normalizeArgs(args));
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
