/**
 * Turns a request snapshot into a viewlet's vary facts. Pure: the Next layer
 * builds the snapshot from cookies() and headers() outside the cache scope.
 */
import type { AnyViewlet } from './types.ts';
import { ViewletError } from './errors.ts';
import type { IdentityFn, IdentityOptions, RequestSnapshot } from './settings.ts';
import { normalizePath, VIEWLET_PATH_HEADER, varyNeeds, type VaryValues } from './vary.ts';

/** Overrides for resolving a variant other than the current request's (used by refresh). */
export interface VariantOverride {
  /** Render for this user id (`null`: anonymous) instead of the current request's. @default the request's user */
  user?: string | null;
  /** Render for this session id (`null`: none) instead of the current request's. @default the request's session */
  session?: string | null;
  /** Render for this path instead of the current request's, e.g. `'/products/3'` from an admin page. @default the request's path */
  path?: string;
}

async function identity(
  kind: 'user' | 'session',
  fn: IdentityFn | undefined,
  cookieName: string | undefined,
  request: RequestSnapshot,
  viewletName: string,
): Promise<string | null> {
  let value: unknown;
  if (fn) value = await fn(request);
  else if (cookieName) value = request.cookie(cookieName);
  else {
    throw new ViewletError(
      'E_NO_IDENTITY',
      `viewlet "${viewletName}" varies by ${kind}, but no ${kind} resolver is configured; call configureViewlets({ identity: { ${kind}Cookie: '...' } }) or give identity.${kind}.`,
    );
  }
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') {
    throw new ViewletError(
      'E_INVALID_IDENTITY',
      `viewlet "${viewletName}": identity.${kind} must return a string or null, got ${typeof value}; fix the resolver given to configureViewlets().`,
    );
  }
  return value;
}

function requestPath(request: RequestSnapshot, viewletName: string): string {
  const raw = request.headers.get(VIEWLET_PATH_HEADER);
  if (!raw) {
    throw new ViewletError(
      'E_NO_PATH',
      `viewlet "${viewletName}" varies by path, but the request has no path; add the viewlet proxy (proxy.ts: export { proxy } from 'next-viewlet/proxy') and make its matcher cover this page.`,
    );
  }
  return normalizePath(raw);
}

/** The vary facts of `definition` for a request (plus overrides). Only the facts the strategy names are set. */
export async function varyFromRequest(
  definition: AnyViewlet,
  args: readonly unknown[],
  request: RequestSnapshot,
  settings: IdentityOptions = {},
  override: VariantOverride = {},
): Promise<VaryValues> {
  const { vary, name } = definition;
  const needs = varyNeeds(vary);
  const out: VaryValues = {};
  if (needs.user) {
    out.user = 'user' in override ? (override.user ?? null) : await identity('user', settings.user, settings.userCookie, request, name);
  }
  if (needs.session) {
    out.session =
      'session' in override
        ? (override.session ?? null)
        : await identity('session', settings.session, settings.sessionCookie, request, name);
  }
  if (typeof vary === 'function') {
    const path = override.path ?? request.headers.get(VIEWLET_PATH_HEADER);
    const custom = await vary({ ...request, path: path ? normalizePath(path) : null, args });
    if (typeof custom !== 'string' || custom.length > 1024) {
      throw new ViewletError(
        'E_INVALID_VARY_KEY',
        `viewlet "${name}": the custom vary function must return a string of at most 1024 chars, got ${typeof custom === 'string' ? `${custom.length} chars` : typeof custom}.`,
      );
    }
    out.custom = custom;
  } else if (needs.path) {
    out.path = override.path !== undefined ? normalizePath(override.path) : requestPath(request, name);
  }
  return out;
}
