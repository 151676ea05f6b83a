/**
 * Vary strategies: which request facts split a viewlet into separate entries.
 * Only the facts a strategy names are resolved and handed to the render
 * function, so a sitewide viewlet can never leak one visitor's data to another.
 */
import { ViewletError } from './errors.ts';
import type { RequestSnapshot } from './settings.ts';

export type BuiltinVary = 'sitewide' | 'user' | 'path' | 'user+path' | 'session';

export interface CustomVaryInput extends RequestSnapshot {
  /** The request path (from the viewlet proxy), or null when the proxy did not run. */
  path: string | null;
  /** The viewlet's canonical args. */
  args: readonly unknown[];
}

/** Returns the variant key for a request; equal keys share one entry. */
export type CustomVary = (input: CustomVaryInput) => string | Promise<string>;

export type VaryStrategy = BuiltinVary | CustomVary;

/** The resolved vary facts of one render. Part of the cache key. */
export interface VaryValues {
  /** The user id (`vary: 'user' | 'user+path'`); `null` for an anonymous visitor. */
  user?: string | null;
  /** The session id (`vary: 'session'`); `null` without a session. */
  session?: string | null;
  /** The normalised request path (`vary: 'path' | 'user+path'`). */
  path?: string;
  /** What a custom vary function returned. */
  custom?: string;
}

/** Request header the viewlet proxy sets to the request's path (always overwritten, never trusted from clients). */
export const VIEWLET_PATH_HEADER = 'x-viewlet-path';

const BUILTIN: readonly BuiltinVary[] = ['sitewide', 'user', 'path', 'user+path', 'session'];

export function assertVary(vary: unknown, viewletName: string): asserts vary is VaryStrategy {
  if (typeof vary === 'function') return;
  if (typeof vary === 'string' && (BUILTIN as readonly string[]).includes(vary)) return;
  throw new ViewletError(
    'E_INVALID_VARY',
    `viewlet "${viewletName}" has vary ${JSON.stringify(vary)}; use one of ${BUILTIN.join(', ')} or a function.`,
  );
}

/** Which request facts a strategy needs. */
export function varyNeeds(vary: VaryStrategy): { user: boolean; session: boolean; path: boolean } {
  if (typeof vary === 'function') return { user: false, session: false, path: true };
  return {
    user: vary === 'user' || vary === 'user+path',
    session: vary === 'session',
    path: vary === 'path' || vary === 'user+path',
  };
}

/** Path normalisation: no query, no trailing slash (except the root), at most 1024 chars. */
export function normalizePath(pathname: string): string {
  let path = pathname.split(/[?#]/, 1)[0] ?? '/';
  if (!path.startsWith('/')) path = `/${path}`;
  if (path.length > 1 && path.endsWith('/')) path = path.replace(/\/+$/, '') || '/';
  if (path.length > 1024) {
    throw new ViewletError('E_INVALID_PATH', `request path is ${path.length} characters; viewlets vary by paths of at most 1024.`);
  }
  return path;
}
