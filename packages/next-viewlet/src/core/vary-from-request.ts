/**
 * Turns a request snapshot into a viewlet's vary facts. Pure: the Next layer
 * builds the snapshot from cookies() and headers() outside the cache scope.
 * Every fact comes from a verified source: identity from a signed cookie or
 * the app's resolver, the path from the viewlet proxy (checked by its proof).
 */
import type { AnyViewlet } from './types.ts';
import { cookieIdentity } from './cookie-identity.ts';
import { ViewletError } from './errors.ts';
import { normalizePath, NOT_FOUND_PATH } from './normalize-path.ts';
import { VIEWLET_PATH_HEADER, VIEWLET_PATH_PROOF_HEADER, verifyPathProof } from './path-proof.ts';
import type { IdentityOptions, RequestSnapshot } from './settings.ts';
import { varyNeeds, type VaryValues } from './vary.ts';

/** Overrides for resolving a variant other than the current request's (used by refresh). */
export interface VariantOverride {
  /** Render for this user id (`null`: anonymous) instead of the current request's. @default the request's user */
  user?: string | null;
  /** Render for this session id (`null`: none) instead of the current request's. @default the request's session */
  session?: string | null;
  /** Render for this path instead of the current request's, e.g. `'/products/3'` from an admin page (with or without the `basePath`), normalised like a request's. @default the request's path */
  path?: string;
}

/** Longest user or session id, in characters: a longer one is a resolver bug (hash it). */
export const MAX_IDENTITY_LENGTH = 4096;

async function identity(
  kind: 'user' | 'session',
  settings: IdentityOptions,
  request: RequestSnapshot,
  viewletName: string,
): Promise<string | null> {
  const fn = settings[kind];
  const cookie = settings[`${kind}Cookie`];
  let value: unknown;
  if (fn) value = await fn(request);
  else if (cookie !== undefined) value = cookieIdentity(kind, cookie)(request);
  else {
    throw new ViewletError(
      'E_NO_IDENTITY',
      `viewlet "${viewletName}" varies by ${kind}, but no ${kind} resolver is configured; call configureViewlets({ identity: { ${kind}Cookie: { name, secrets } } }) or give identity.${kind}.`,
    );
  }
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') {
    throw new ViewletError(
      'E_INVALID_IDENTITY',
      `viewlet "${viewletName}": identity.${kind} must return a string or null, got ${typeof value}; fix the resolver given to configureViewlets().`,
    );
  }
  if (value.length > MAX_IDENTITY_LENGTH) {
    throw new ViewletError(
      'E_INVALID_IDENTITY',
      `identity.${kind} returned ${value.length} characters; return an id of at most ${MAX_IDENTITY_LENGTH} (hash a longer one).`,
    );
  }
  return value;
}

/** The path the viewlet proxy set for this request, or `null` when it has none or its proof does not check out. */
export function provenPath(request: RequestSnapshot): string | null {
  const path = request.headers.get(VIEWLET_PATH_HEADER);
  if (path === null || !path.startsWith('/')) return null;
  return verifyPathProof(path, request.headers.get(VIEWLET_PATH_PROOF_HEADER)) ? path : null;
}

function requestPath(request: RequestSnapshot, viewletName: string): string {
  const path = provenPath(request);
  if (path !== null) return path;
  const sent = request.headers.has(VIEWLET_PATH_HEADER);
  throw new ViewletError(
    'E_NO_PATH',
    sent
      ? `viewlet "${viewletName}" varies by path, but this request's ${VIEWLET_PATH_HEADER} was not set by the viewlet proxy of this process ` +
          `(a client sent it, the page is outside the proxy's matcher, or the proxy runs in another runtime), so it is ignored; make the matcher cover this page.`
      : `viewlet "${viewletName}" varies by path, but the request has no path; add the viewlet proxy (proxy.ts: export { proxy } from 'next-viewlet/proxy') and make its matcher cover this page.`,
  );
}

/** An override is normalised like a request path; the not-found variant is kept as it is. */
function overridePath(path: string): string {
  return path === NOT_FOUND_PATH ? path : normalizePath(path);
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
    out.user = 'user' in override ? (override.user ?? null) : await identity('user', settings, request, name);
  }
  if (needs.session) {
    out.session = 'session' in override ? (override.session ?? null) : await identity('session', settings, request, name);
  }
  if (typeof vary === 'function') {
    const path = override.path !== undefined ? overridePath(override.path) : provenPath(request);
    const custom = await vary({ ...request, path, args });
    if (typeof custom !== 'string' || custom.length > 1024) {
      throw new ViewletError(
        'E_INVALID_VARY_KEY',
        `viewlet "${name}": the custom vary function must return a string of at most 1024 chars, got ${typeof custom === 'string' ? `${custom.length} chars` : typeof custom}.`,
      );
    }
    out.custom = custom;
  } else if (needs.path) {
    out.path = override.path !== undefined ? overridePath(override.path) : requestPath(request, name);
  }
  return out;
}
