/** The identity fixture under `next start`, and what its specs need to talk to it like an untrusted client. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { signCookieValue, type SignedCookieOptions } from 'next-viewlet/core';
import { startNext, type NextServer } from '../../../../scripts/lib/next-server.mjs';

export { userMark } from '../../lib/identity';
export type { NextServer };

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The cookie secret every test server gets (a test-only value). */
export const FIXTURE_SECRET = 'e2e-only-fixture-secret-of-more-than-32-chars';
export const USER_COOKIE: SignedCookieOptions = { name: 'fx-user', secrets: [FIXTURE_SECRET] };
/** The app's basePath: every URL starts with it. */
export const BASE = '/shop';

export function startFixture(env: Record<string, string> = {}): Promise<NextServer> {
  return startNext({ appDir, env: { FIXTURE_COOKIE_SECRET: FIXTURE_SECRET, ...env }, readyPath: `${BASE}/api/renders/` });
}

/** A Cookie header signing the visitor in as `user`. */
export function signedIn(user: string): string {
  return `${USER_COOKIE.name}=${signCookieValue(USER_COOKIE, user)}`;
}

/** Every `<output data-viewlet=…>` (or `data-fallback`) on a page, with its attributes. */
export function outputs(html: string): { kind: 'viewlet' | 'fallback'; name: string; attrs: Record<string, string> }[] {
  return [...html.matchAll(/<output data-(viewlet|fallback)="([^"]+)"([^>]*)>/g)].map((m) => ({
    kind: m[1] as 'viewlet' | 'fallback',
    name: m[2]!,
    attrs: Object.fromEntries([...m[3]!.matchAll(/data-([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])),
  }));
}

/** The rendered (not fallback) outputs of viewlet `name`. A streamed page also holds the fallbacks it replaced. */
export function rendered(html: string, name: string): Record<string, string>[] {
  return outputs(html)
    .filter((o) => o.kind === 'viewlet' && o.name === name)
    .map((o) => o.attrs);
}

/** Render counts of one server process. */
export async function renderCounts(server: NextServer): Promise<Record<string, number>> {
  return (await fetch(`${server.baseURL}${BASE}/api/renders/`)).json();
}

/** The id Next gave the island Server Action in this build. */
export function islandActionId(): string {
  const manifest = JSON.parse(readFileSync(path.join(appDir, '.next/server/server-reference-manifest.json'), 'utf8')) as {
    node: Record<string, { exportedName?: string }>;
  };
  const found = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === 'loadViewletIsland');
  if (!found) throw new Error('no loadViewletIsland action in the build; build the fixture first');
  return found[0];
}

/**
 * Calls the island action the way any client can: a POST with the action id
 * and a raw body (React's reply encoding: JSON, where `$`-strings are types).
 */
export async function callIsland(
  server: NextServer,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.baseURL}${BASE}/p/1/`, {
    method: 'POST',
    headers: {
      'next-action': islandActionId(),
      'content-type': 'text/plain;charset=UTF-8',
      accept: 'text/x-component',
      origin: server.baseURL,
      ...headers,
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}
