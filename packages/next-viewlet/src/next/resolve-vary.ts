/**
 * Resolves a viewlet's vary facts from the current request. Runs OUTSIDE the
 * cache scope (cookies() and headers() throw inside `'use cache'`); the result
 * is passed into the cached function as an argument.
 */
import { cookies, headers } from 'next/headers';
import type { AnyViewlet } from '../core/types.ts';
import { varyFromRequest, type VariantOverride } from '../core/vary-from-request.ts';
import { getSettings, type RequestSnapshot } from '../core/settings.ts';
import type { VaryValues } from '../core/vary.ts';

export type { VariantOverride };

async function snapshot(): Promise<RequestSnapshot> {
  const [jar, hdrs] = await Promise.all([cookies(), headers()]);
  return { cookie: (name) => jar.get(name)?.value, headers: hdrs };
}

/** The vary facts of `definition` for the current request (plus overrides). */
export async function resolveVary(definition: AnyViewlet, args: readonly unknown[], override: VariantOverride = {}): Promise<VaryValues> {
  if (definition.vary === 'sitewide') return {};
  return varyFromRequest(definition, args, await snapshot(), getSettings().identity, override);
}
