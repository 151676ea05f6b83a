/**
 * The demo's proxy: the viewlet path header (with its proof; a client's value
 * is never used), plus a signed session cookie for the per-session viewlet. A
 * new session is visible to the very request that created it.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { issueSignedCookie, verifySignedCookie } from 'next-viewlet/core';
import { viewletRequestHeaders } from 'next-viewlet/proxy';
import { SESSION_COOKIE, secureFor } from '@/lib/identity';

export function proxy(request: NextRequest) {
  const current = verifySignedCookie(SESSION_COOKIE, request.cookies.get(SESSION_COOKIE.name)?.value);
  const issued = current
    ? undefined
    : issueSignedCookie(SESSION_COOKIE, crypto.randomUUID().replaceAll('-', ''), { secure: secureFor(request.nextUrl) });
  if (issued) request.cookies.set(issued.name, issued.value);
  const response = NextResponse.next({ request: { headers: viewletRequestHeaders(request) } });
  if (issued) response.cookies.set(issued);
  return response;
}

// Every page: the layout's session viewlet is on all of them, and / and
// /products/<id> have path-varied viewlets. Only Next's static files are left
// out (`favicon\\.ico$` ends the name, so /favicon.icons is still covered).
export const config = {
  matcher: ['/((?!_next/static/|_next/image|favicon\\.ico$).*)'],
};
