/**
 * The demo's identity: who the visitor is comes from cookies the demo signed
 * itself (a forged or edited cookie is anonymous). The secret comes from
 * DEMO_COOKIE_SECRET; the default is for trying the demo only: a real app
 * refuses to start without its secret.
 */
import type { SignedCookieOptions } from 'next-viewlet/core';

const DEVELOPMENT_SECRET = 'demo-only-secret-set-DEMO_COOKIE_SECRET-in-production';

const secrets = [process.env.DEMO_COOKIE_SECRET || DEVELOPMENT_SECRET];

/** The signed-in demo user (`/signin?as=alice`). */
export const USER_COOKIE: SignedCookieOptions = { name: 'demo-user', secrets };

/** The browser session, issued by the demo's proxy on the first request. */
export const SESSION_COOKIE: SignedCookieOptions = { name: 'demo-session', secrets };

/** Secure cookies only over HTTPS: the demo also runs on plain http://127.0.0.1. */
export function secureFor(url: URL): boolean {
  return url.protocol === 'https:';
}
