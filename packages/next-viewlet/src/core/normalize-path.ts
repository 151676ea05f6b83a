/**
 * The path a viewlet varies by: the one Next routes, in one spelling, so that
 * every spelling of a page shares one entry (`/products/%31` and `/products/1`
 * render the same page) and `ctx.path` reads the same. The app's `basePath`
 * and `trailingSlash` come from `withViewlets()`, which hands them to the
 * runtime through `env`.
 */
import { ViewletError } from './errors.ts';

export interface PathOptions {
  /** The app's `basePath`, stripped from the front. @default process.env.VIEWLET_BASE_PATH ?? '' */
  basePath?: string;
  /** The app's `trailingSlash` setting. @default process.env.VIEWLET_TRAILING_SLASH === '1' */
  trailingSlash?: boolean;
}

/** Longest path a viewlet varies by, in characters (after normalisation). */
export const MAX_PATH_LENGTH = 1024;
/** Most segments of a path a viewlet varies by. */
export const MAX_PATH_SEGMENTS = 32;
/**
 * The path every viewlet that varies by path gets on Next's not-found page
 * for a URL no route matches: all such URLs share one variant.
 */
export const NOT_FOUND_PATH = '/_not-found';

// RFC 3986 unreserved characters: percent-encoding them changes nothing.
const UNRESERVED = /^[A-Za-z0-9._~-]$/;
// Next's trailingSlash rule leaves paths whose last segment has an extension alone.
const FILE_LIKE = /\/[^/]*\.\w+$/;
const BASE = 'http://viewlet.invalid';

/**
 * The app's routing settings. The expressions are written out so Next's `env`
 * inlining replaces them in bundled code (proxy and server alike).
 */
export function appPathOptions(): Required<PathOptions> {
  return {
    basePath: process.env.VIEWLET_BASE_PATH ?? '',
    trailingSlash: process.env.VIEWLET_TRAILING_SLASH === '1',
  };
}

function tooLong(message: string): never {
  throw new ViewletError(
    'E_INVALID_PATH',
    `${message}; viewlets vary by paths of at most ${MAX_PATH_LENGTH} characters and ${MAX_PATH_SEGMENTS} segments.`,
  );
}

/**
 * The canonical form of a request path: query and fragment dropped, repeated
 * slashes collapsed, dot segments resolved, percent-escapes of unreserved
 * characters decoded (the rest upper-cased), `basePath` stripped, the trailing
 * slash as `trailingSlash` says. Throws `E_INVALID_PATH` for a path longer than
 * {@link MAX_PATH_LENGTH} or deeper than {@link MAX_PATH_SEGMENTS}.
 */
export function normalizePath(pathname: string, options: PathOptions = {}): string {
  if (typeof pathname !== 'string') throw new ViewletError('E_INVALID_PATH', `a path must be a string, got ${typeof pathname}.`);
  // A cheap bound first: nothing below runs on megabytes of input.
  if (pathname.length > 4 * MAX_PATH_LENGTH) tooLong(`the path has ${pathname.length} characters`);
  const defaults = appPathOptions();
  const basePath = options.basePath ?? defaults.basePath;
  const trailingSlash = options.trailingSlash ?? defaults.trailingSlash;

  let path = (pathname.split(/[?#]/, 1)[0] ?? '').replaceAll('\\', '/');
  path = `/${path}`.replace(/\/{2,}/g, '/');
  // The URL parser resolves `.`/`..` (also spelled %2e) and percent-encodes what a path may not hold raw.
  path = new URL(path, BASE).pathname;
  path = path.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
  if (basePath && basePath !== '/' && (path === basePath || path.startsWith(`${basePath}/`))) {
    path = path.slice(basePath.length) || '/';
  }
  if (path.length > 1) path = path.replace(/\/+$/, '') || '/';
  if (trailingSlash && path !== '/' && !FILE_LIKE.test(path)) path = `${path}/`;

  if (path.length > MAX_PATH_LENGTH) tooLong(`the path has ${path.length} characters`);
  const segments = path.split('/').filter(Boolean).length;
  if (segments > MAX_PATH_SEGMENTS) tooLong(`the path has ${segments} segments`);
  return path;
}
