/**
 * `<ViewletIsland>`: a viewlet loaded from the browser after the page, through
 * a Server Action (django-viewlet's AJAX URLs, made safe). Only viewlets marked
 * `island: true` can be loaded; args pass the viewlet's schema on the server.
 */
import type { ReactNode } from 'react';
import type { ViewletOf } from '../core/types.ts';
import { ViewletError } from '../core/errors.ts';
import { IslandClient } from './island-client.tsx';

/** When an island asks the server for its viewlet: after hydration, when scrolled into view, or on a button. */
export type IslandTrigger = 'mount' | 'visible' | 'manual';

export type ViewletIslandProps<A extends unknown[]> = {
  /** An island viewlet (`island: true`). Importing it here also registers it for the Server Action. */
  of: ViewletOf<A>;
  /** Shown until the island has loaded. @default nothing */
  fallback?: ReactNode;
  /**
   * When to load: after hydration (`'mount'`), once scrolled into view
   * (`'visible'`), or when the visitor presses the load button (`'manual'`).
   * @default 'mount'
   */
  when?: IslandTrigger;
  /** Label of the load button in `'manual'` mode. @default 'Load' */
  loadLabel?: string;
  /** Show a refresh button with this label once loaded. @default no refresh button */
  refreshLabel?: string;
} & ([] extends A
  ? {
      /** The viewlet's args, checked again by its schema on the server. @default [] */
      args?: A;
    }
  : {
      /** The viewlet's args, checked again by its schema on the server. */
      args: A;
    });

export function ViewletIsland<A extends unknown[]>({
  of,
  args,
  fallback,
  when = 'mount',
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
      when={when}
      {...(loadLabel ? { loadLabel } : {})}
      {...(refreshLabel ? { refreshLabel } : {})}
    />
  );
}
