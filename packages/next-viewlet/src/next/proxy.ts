/**
 * The path a viewlet varies by. App Router components do not receive the
 * pathname, so this proxy copies it, normalised (see `normalizePath`), into a
 * request header, together with a proof only this process can make. A client
 * may send the same headers, but on a page the proxy did not run for its
 * values fail the proof and path-varied viewlets show their fallback
 * (`E_NO_PATH`); where the proxy runs it overwrites them.
 *
 * ```ts
 * // proxy.ts (Next 16) at the app root
 * export { proxy } from 'next-viewlet/proxy';
 * // Next parses `config` statically: write it inline. Cover every page with path-varied viewlets.
 * export const config = { matcher: ['/((?!_next/static|_next/image|favicon\\.ico$).*)'] };
 * ```
 */
import { NextResponse, type NextRequest } from 'next/server';
import { appPathOptions, MAX_PATH_LENGTH, normalizePath } from '../core/normalize-path.ts';
import { pathProof, VIEWLET_PATH_HEADER, VIEWLET_PATH_PROOF_HEADER } from '../core/path-proof.ts';

export { VIEWLET_PATH_HEADER, VIEWLET_PATH_PROOF_HEADER };

/**
 * Copies the request headers with the viewlet path header (and its proof) set
 * from the URL. Use it in your own proxy. A path past the bounds (longer than
 * {@link MAX_PATH_LENGTH}, too deep) gets no header: its viewlets show their fallback.
 */
export function viewletRequestHeaders(request: Request): Headers {
  const headers = new Headers(request.headers);
  headers.delete(VIEWLET_PATH_HEADER);
  headers.delete(VIEWLET_PATH_PROOF_HEADER);
  // A NextRequest knows the app's basePath even when withViewlets() did not pass it on.
  const basePath = (request as Partial<NextRequest>).nextUrl?.basePath ?? appPathOptions().basePath;
  let path: string;
  try {
    path = normalizePath(new URL(request.url).pathname, { basePath });
  } catch {
    return headers;
  }
  headers.set(VIEWLET_PATH_HEADER, path);
  headers.set(VIEWLET_PATH_PROOF_HEADER, pathProof(path));
  return headers;
}

/** A ready-made Next proxy that sets the viewlet path header. */
export function proxy(request: NextRequest): NextResponse {
  return NextResponse.next({ request: { headers: viewletRequestHeaders(request) } });
}
