/**
 * `next-viewlet warm`'s command line, checked completely before any request:
 * every page on `--origin`, every number in range, secrets only from the
 * environment. Anything wrong is a `UsageError` (exit code 2).
 */
import { parseArgs } from 'node:util';
import type { CliIO } from './io.ts';
import { UsageError } from './io.ts';

export const WARM_USAGE = `Usage: next-viewlet warm [URL...] [options]

Pre-fills a deployment's caches by requesting its pages, after a deploy or on a schedule.

Pages:
  URL...                   pages to request: absolute URLs, or paths on --origin
  --origin URL             the deployment (scheme, host, port); every page must be on it
                           (default: the origin of the first absolute URL or --sitemap)
  --urls-file FILE         one URL or path per line; blank lines and # comments are skipped (repeatable)
  --sitemap URL            a sitemap.xml or sitemap index on --origin (repeatable)
  --variants FILE          JSON list of {"name", "cookies"?: {...}, "headers"?: {...}}: every page is
                           requested once per variant (e.g. one per test user or language)
  --max-pages N            read at most N page URLs from sitemaps (default 10000)

Requests:
  --concurrency N          requests at once (default 4)
  --timeout MS             deadline of one attempt (default 30000)
  --retries N              retries of a network error, timeout, 429, 502, 503 or 504 (default 3)
  --retry-delay MS         first back-off, doubled per retry, with jitter (default 500)

Stats (what the warm-up rendered, read before and after from createStatsHandler routes):
  --stats-url URL          the stats endpoint; repeat it for each instance to add theirs up
  --stats-token-env NAME   environment variable holding its token (default: VIEWLET_STATS_TOKEN)

Modes:
  --until-ready            warm, then request every page again; exit 0 only when that pass is all
                           cache hits (needs --stats-url)
  --revalidate TAG         first mark TAG stale through the signed webhook (repeatable); the
                           requests then re-render the stale copies in the background
  --webhook-url URL        the webhook route (default: $VIEWLET_WEBHOOK_URL)
  --secret-env NAME        environment variable holding its whsec_ secret (default: VIEWLET_WEBHOOK_SECRET)
  --settle-timeout MS      with --stats-url, after a pass that was served stale copies: wait this
                           long for their background re-renders to finish (default 60000)

Output:
  --json                   print the summary as JSON on stdout (progress goes to stderr as lines)
  -h, --help               this help

Exit codes: 0 every page answered (and, with --until-ready, the second pass was all hits),
1 pages failed or the cache is not ready, 2 usage or input error.`;

export interface WarmOptions {
  help: false;
  /** The deployment's origin; undefined until the first absolute URL decides it. */
  origin: URL | undefined;
  urls: string[];
  urlsFiles: string[];
  sitemaps: string[];
  variantsFile: string | undefined;
  maxPages: number;
  concurrency: number;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  statsUrls: URL[];
  statsToken: string | undefined;
  untilReady: boolean;
  revalidate: string[];
  webhookUrl: URL | undefined;
  webhookSecret: string | undefined;
  settleTimeoutMs: number;
  json: boolean;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `value` as an http(s) URL, or a UsageError naming `flag`. */
export function httpUrl(value: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} ${JSON.stringify(value)} is not a URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag} must be an http(s) URL.`);
  return url;
}

/** The value of the environment variable named by `flag` (never echoed: it may be a secret pasted by mistake). */
function fromEnv(env: CliIO['env'], name: string, flag: string, what: string): string {
  if (!ENV_NAME.test(name) || name.startsWith('whsec_')) {
    throw new UsageError(`${flag} takes the NAME of an environment variable, not its value.`);
  }
  const value = env[name];
  if (!value) throw new UsageError(`the environment variable ${name} (${flag}) is not set; it must hold ${what}.`);
  return value;
}

function integer(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}.`);
  return n;
}

/** Parses `warm`'s arguments. Throws `UsageError`. */
export function parseWarmArgs(argv: string[], env: CliIO['env']): WarmOptions | { help: true } {
  // Secrets come from the environment only: refuse one on the command line before parseArgs could echo it.
  if (argv.some((arg) => arg.includes('whsec_') || /^--(secret|token|stats-token)(=|$)/.test(arg))) {
    throw new UsageError(
      'secrets are never taken from the command line; put them in environment variables (--secret-env, --stats-token-env).',
    );
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };

  let origin: URL | undefined;
  if (values.origin !== undefined) {
    origin = httpUrl(values.origin, '--origin');
    if (origin.pathname !== '/' || origin.search || origin.hash || origin.username || origin.password) {
      throw new UsageError('--origin takes only a scheme, host and port, e.g. https://shop.example.com.');
    }
  }
  const statsUrls = values['stats-url'].map((url) => httpUrl(url, '--stats-url'));
  const untilReady = values['until-ready'];
  if (untilReady && statsUrls.length === 0) {
    throw new UsageError('--until-ready needs --stats-url: readiness is judged by the viewlet counters of the stats endpoint.');
  }
  const revalidate = values.revalidate;
  for (const tag of revalidate) {
    if (tag.trim() === '' || tag.length > 256) throw new UsageError('--revalidate takes a tag of 1 to 256 characters.');
  }
  const webhookValue = values['webhook-url'] ?? env.VIEWLET_WEBHOOK_URL;
  if (revalidate.length > 0 && !webhookValue) throw new UsageError('--revalidate needs --webhook-url (or VIEWLET_WEBHOOK_URL).');
  if (positionals.length + values['urls-file'].length + values.sitemap.length === 0) {
    throw new UsageError('name the pages to warm: URLs, --urls-file or --sitemap.');
  }

  return {
    help: false,
    origin,
    urls: positionals,
    urlsFiles: values['urls-file'],
    sitemaps: values.sitemap,
    variantsFile: values.variants,
    maxPages: integer(values['max-pages'], '--max-pages', 1, 1_000_000),
    concurrency: integer(values.concurrency, '--concurrency', 1, 64),
    timeoutMs: integer(values.timeout, '--timeout', 1, 600_000),
    retries: integer(values.retries, '--retries', 0, 10),
    retryDelayMs: integer(values['retry-delay'], '--retry-delay', 0, 60_000),
    statsUrls,
    statsToken: statsUrls.length > 0 ? fromEnv(env, values['stats-token-env'], '--stats-token-env', 'the stats endpoint token') : undefined,
    untilReady,
    revalidate,
    webhookUrl: revalidate.length > 0 ? httpUrl(webhookValue!, '--webhook-url') : undefined,
    webhookSecret: revalidate.length > 0 ? fromEnv(env, values['secret-env'], '--secret-env', 'the whsec_ webhook secret') : undefined,
    settleTimeoutMs: integer(values['settle-timeout'], '--settle-timeout', 0, 3_600_000),
    json: values.json,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      origin: { type: 'string' },
      'urls-file': { type: 'string', multiple: true, default: [] },
      sitemap: { type: 'string', multiple: true, default: [] },
      variants: { type: 'string' },
      'max-pages': { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '4' },
      timeout: { type: 'string', default: '30000' },
      retries: { type: 'string', default: '3' },
      'retry-delay': { type: 'string', default: '500' },
      'stats-url': { type: 'string', multiple: true, default: [] },
      'stats-token-env': { type: 'string', default: 'VIEWLET_STATS_TOKEN' },
      'until-ready': { type: 'boolean', default: false },
      revalidate: { type: 'string', multiple: true, default: [] },
      'webhook-url': { type: 'string' },
      'secret-env': { type: 'string', default: 'VIEWLET_WEBHOOK_SECRET' },
      'settle-timeout': { type: 'string', default: '60000' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
