import type { NextRequest } from 'next/server';

/** Where to send the visitor after signing in or out: the same-origin referer, else home. */
export function backTo(request: NextRequest): URL {
  const referer = request.headers.get('referer');
  if (referer) {
    try {
      const url = new URL(referer);
      if (url.origin === request.nextUrl.origin) return url;
    } catch {
      // A malformed referer is ignored.
    }
  }
  return new URL('/', request.nextUrl);
}
