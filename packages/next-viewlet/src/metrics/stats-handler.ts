/**
 * The stats Route Handler: this process's metrics as JSON (the default) or in
 * Prometheus text format (`?format=prometheus`, or an `Accept` header that
 * prefers `text/plain`, as Prometheus sends). Protected by a bearer token and
 * closed without one: no token configured answers 503, a missing or wrong
 * token 401. Tokens are compared in constant time (as SHA-256 digests, so
 * their lengths do not leak either).
 *
 * ```ts
 * // app/api/viewlets/stats/route.ts
 * import { createStatsHandler } from 'next-viewlet/stats';
 * import '@/viewlets'; // so the JSON lists every viewlet with its policy
 *
 * export const GET = createStatsHandler({ token: process.env.VIEWLET_STATS_TOKEN });
 * ```
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Negotiator from 'negotiator';
import { metricsSnapshot } from './metrics-snapshot.ts';
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from './prometheus-text.ts';

/** Shortest token accepted: a shorter one leaves the endpoint closed (503), as a missing one does. */
export const MIN_STATS_TOKEN_LENGTH = 16;

export interface StatsHandlerOptions {
  /**
   * The bearer token callers must send (`Authorization: Bearer <token>`), or
   * several during a rotation. At least 16 characters. Empty or missing: every
   * request gets 503, so a deployment without the variable never exposes the stats.
   */
  token: string | readonly string[] | undefined;
}

/** The codes of the stats endpoint's error answers (`{ error: { code, message } }`). */
export type StatsErrorCode = 'E_STATS_DISABLED' | 'E_STATS_UNAUTHORIZED' | 'E_STATS_FORMAT' | 'E_STATS_NOT_ACCEPTABLE';

const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain; version=0.0.4';
const NO_STORE = { 'cache-control': 'no-store' };

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

function fail(status: number, code: StatsErrorCode, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message } }, { status, headers: { ...NO_STORE, ...headers } });
}

function bearer(request: Request): string | undefined {
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(request.headers.get('authorization') ?? '');
  return match?.[1];
}

function wantsPrometheus(request: Request): boolean | 'unknown-format' | 'not-acceptable' {
  const format = new URL(request.url).searchParams.get('format');
  if (format !== null) {
    if (format === 'prometheus') return true;
    if (format === 'json') return false;
    return 'unknown-format';
  }
  const accept = request.headers.get('accept');
  if (!accept) return false;
  const chosen = new Negotiator({ headers: { accept } }).mediaType([JSON_TYPE, TEXT_TYPE]);
  if (chosen === undefined) return 'not-acceptable';
  return chosen === TEXT_TYPE;
}

/** Creates the `GET` handler of a stats route. */
export function createStatsHandler(options: StatsHandlerOptions): (request: Request) => Promise<Response> {
  const given = options?.token;
  const tokens = (typeof given === 'string' ? [given] : Array.isArray(given) ? given : []).filter(
    (token): token is string => typeof token === 'string' && token.length > 0,
  );
  const short = tokens.some((token) => token.length < MIN_STATS_TOKEN_LENGTH);
  const digests = short ? [] : tokens.map(digest);

  return async function statsHandler(request: Request): Promise<Response> {
    if (digests.length === 0) {
      return fail(
        503,
        'E_STATS_DISABLED',
        short
          ? `the stats token is shorter than ${MIN_STATS_TOKEN_LENGTH} characters; configure a longer one (e.g. openssl rand -hex 32).`
          : 'the stats endpoint is off: no token is configured (set VIEWLET_STATS_TOKEN, or pass token to createStatsHandler).',
      );
    }
    const sent = bearer(request);
    const sentDigest = digest(sent ?? '');
    // Every configured token is compared, so the time taken says nothing about which one matched.
    let ok = false;
    for (const expected of digests) ok = timingSafeEqual(sentDigest, expected) || ok;
    if (!ok || sent === undefined) {
      return fail(401, 'E_STATS_UNAUTHORIZED', 'send the stats token as "Authorization: Bearer <token>".', {
        'www-authenticate': 'Bearer realm="next-viewlet stats"',
      });
    }
    const prometheus = wantsPrometheus(request);
    if (prometheus === 'unknown-format') return fail(400, 'E_STATS_FORMAT', 'format must be "json" or "prometheus".');
    if (prometheus === 'not-acceptable') {
      return fail(406, 'E_STATS_NOT_ACCEPTABLE', `the stats are available as ${JSON_TYPE} or ${TEXT_TYPE} (Prometheus).`);
    }
    const vary = { vary: 'accept, authorization' };
    if (prometheus) {
      return new Response(await prometheusText(), { headers: { 'content-type': PROMETHEUS_CONTENT_TYPE, ...NO_STORE, ...vary } });
    }
    return Response.json(await metricsSnapshot(), { headers: { ...NO_STORE, ...vary } });
  };
}
