import type { NextRequest } from 'next/server';

/**
 * Where to send the visitor after signing in or out: the referer's path when
 * it is on this host, else home. Returned as a relative URL so the browser
 * stays on the host it used (127.0.0.1 and localhost have separate cookies).
 */
export function backTo(request: NextRequest): string {
  const referer = request.headers.get('referer');
  const host = request.headers.get('host');
  if (referer && host) {
    try {
      const url = new URL(referer);
      if (url.host === host) return `${url.pathname}${url.search}`;
    } catch {
      // A malformed referer is ignored.
    }
  }
  return '/';
}

/** A 303 to a relative location. */
export function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { location } });
}
