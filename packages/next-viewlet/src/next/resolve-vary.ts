/**
 * Resolves a viewlet's vary facts from the current request. Runs OUTSIDE the
 * cache scope (cookies() and headers() throw inside `'use cache'`); the result
 * is passed into the cached function as an argument.
 */
import { cookies, headers } from 'next/headers';
// Next's own store of the route being rendered (what `after()` and `connection()` read).
import { workAsyncStorage } from 'next/dist/server/app-render/work-async-storage.external';
import type { AnyViewlet } from '../core/types.ts';
import { NOT_FOUND_PATH } from '../core/normalize-path.ts';
import { varyFromRequest, type VariantOverride } from '../core/vary-from-request.ts';
import { getSettings, type RequestSnapshot } from '../core/settings.ts';
import type { VaryValues } from '../core/vary.ts';

export type { VariantOverride };

export async function requestSnapshot(): Promise<RequestSnapshot> {
  const [jar, hdrs] = await Promise.all([cookies(), headers()]);
  return { cookie: (name) => jar.get(name)?.value, headers: hdrs };
}

/**
 * Whether this render is Next's not-found page for a URL no route matched.
 * Such URLs are unbounded, so path-varied viewlets (in the root layout) share
 * one variant there instead of one per URL.
 */
function onUnmatchedRoute(): boolean {
  try {
    return workAsyncStorage.getStore()?.route === '/_not-found';
  } catch {
    return false;
  }
}

/** The vary facts of `definition` for the current request (plus overrides). */
export async function resolveVary(definition: AnyViewlet, args: readonly unknown[], override: VariantOverride = {}): Promise<VaryValues> {
  if (definition.vary === 'sitewide') return {};
  const variant = override.path === undefined && onUnmatchedRoute() ? { ...override, path: NOT_FOUND_PATH } : override;
  return varyFromRequest(definition, args, await requestSnapshot(), getSettings().identity, variant);
}
