/**
 * The demo's proxy: the viewlet path header (never trusted from the client),
 * plus a session cookie for the per-session viewlet. A new session is visible
 * to the very request that created it.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { viewletRequestHeaders } from 'next-viewlet/proxy';
import { SESSION_COOKIE, isSessionId } from '@/lib/session';

export function proxy(request: NextRequest) {
  const current = request.cookies.get(SESSION_COOKIE)?.value;
  const session = current && isSessionId(current) ? undefined : crypto.randomUUID().replaceAll('-', '');
  if (session) request.cookies.set(SESSION_COOKIE, session);
  const response = NextResponse.next({ request: { headers: viewletRequestHeaders(request) } });
  if (session) response.cookies.set(SESSION_COOKIE, session, { httpOnly: true, sameSite: 'lax', path: '/' });
  return response;
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
