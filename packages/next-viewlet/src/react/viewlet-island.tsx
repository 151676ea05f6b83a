/**
 * `<ViewletIsland>`: a viewlet loaded from the browser after the page, through
 * a Server Action (django-viewlet's AJAX URLs, made safe). Only viewlets marked
 * `island: true` can be loaded; args pass the viewlet's schema on the server.
 */
import type { ReactNode } from 'react';
import type { ViewletOf } from '../core/types.ts';
import { ViewletError } from '../core/errors.ts';
import { IslandClient } from './island-client.tsx';

export type ViewletIslandProps<A extends unknown[]> = {
  /** An island viewlet. Importing it here also registers it for the Server Action. */
  of: ViewletOf<A>;
  /** Shown until the island has loaded. */
  fallback?: ReactNode;
  /** When to load: after hydration (`'mount'`, default), when scrolled into view, or on a button. */
  load?: 'mount' | 'visible' | 'manual';
  /** Label of the load button in `'manual'` mode. Default `'Load'`. */
  loadLabel?: string;
  /** Show a refresh button with this label once loaded. */
  refreshLabel?: string;
} & ([] extends A ? { args?: A } : { args: A });

export function ViewletIsland<A extends unknown[]>({
  of,
  args,
  fallback,
  load = 'mount',
  loadLabel,
  refreshLabel,
}: ViewletIslandProps<A>): ReactNode {
  if (!of.island) {
    throw new ViewletError('E_NOT_ISLAND', `viewlet "${of.name}" is not an island; add island: true (and an args schema) to its options.`);
  }
  return (
    <IslandClient
      name={of.name}
      args={(args ?? []) as unknown[]}
      fallback={fallback}
      load={load}
      {...(loadLabel ? { loadLabel } : {})}
      {...(refreshLabel ? { refreshLabel } : {})}
    />
  );
}
