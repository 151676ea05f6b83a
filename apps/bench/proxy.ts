/**
 * Copies the request path into the viewlet path header (never trusted from the
 * client), for the path-varied viewlet of /paths/[n].
 */
import { NextResponse, type NextRequest } from 'next/server';
import { viewletRequestHeaders } from 'next-viewlet/proxy';

export function proxy(request: NextRequest) {
  return NextResponse.next({ request: { headers: viewletRequestHeaders(request) } });
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico|api/).*)'],
};
