/**
 * The path a viewlet varies by. App Router components do not receive the
 * pathname, so this proxy copies it into a request header, always overwriting
 * whatever a client sent, so the header cannot be spoofed.
 *
 * ```ts
 * // proxy.ts (Next 16) at the app root
 * export { proxy } from 'next-viewlet/proxy';
 * // Next parses `config` statically: write it inline. Cover every page with path-varied viewlets.
 * export const config = { matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'] };
 * ```
 */
import { NextResponse, type NextRequest } from 'next/server';
import { VIEWLET_PATH_HEADER } from '../core/vary.ts';

export { VIEWLET_PATH_HEADER };

/** Copies the request headers with the viewlet path header set from the URL. Use it in your own proxy. */
export function viewletRequestHeaders(request: Request): Headers {
  const headers = new Headers(request.headers);
  headers.set(VIEWLET_PATH_HEADER, new URL(request.url).pathname);
  return headers;
}

/** A ready-made Next proxy (middleware) that sets the viewlet path header. */
export function proxy(request: NextRequest): NextResponse {
  return NextResponse.next({ request: { headers: viewletRequestHeaders(request) } });
}
