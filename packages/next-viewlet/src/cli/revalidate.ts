/**
 * `next-viewlet revalidate`: sends a signed revalidation message. The secret
 * comes from an environment variable, never from argv (argv ends up in shell
 * history and in `ps`).
 */
import { parseArgs } from 'node:util';
import { describeError, isViewletError } from '../core/errors.ts';
import type { ViewletTarget } from '../webhook/payload.ts';
import { sendRevalidation, WebhookResponseError } from '../webhook/send.ts';
import { EXIT, type CliIO } from './io.ts';

export const REVALIDATE_USAGE = `Usage: next-viewlet revalidate --url URL [--tag TAG]... [--viewlet NAME[=JSON_ARGS]]... [options]

Sends a signed (Standard Webhooks) revalidation message to a createRevalidationHandler route.

Options:
  --url URL           the webhook route (default: $VIEWLET_WEBHOOK_URL)
  --secret-env NAME   environment variable holding the whsec_ secret (default: VIEWLET_WEBHOOK_SECRET)
  --tag TAG           a tag to invalidate (repeatable)
  --viewlet NAME      every entry of a viewlet; NAME='["3"]' narrows it to those args (repeatable)
  --expire            expire now (the next request renders) instead of revalidating (served stale once while it re-renders)
  --id ID             message id; reuse it when retrying the same message (default: random)
  --timeout MS        timeout of each attempt (default: 10000)
  --attempts N        attempts in all: a 429, a 503 or no answer is retried with back-off
                      (and at least Retry-After), under the same message id (default: 5)
  --json              print the receiver's answer as JSON
  -h, --help          this help

Exit codes: 0 done (or already done), 1 the request failed or was refused (after the retries), 2 usage or configuration error.`;

class UsageError extends Error {}

function parseViewlet(spec: string): ViewletTarget {
  const eq = spec.indexOf('=');
  if (eq < 0) return { name: spec };
  const name = spec.slice(0, eq);
  let args: unknown;
  try {
    args = JSON.parse(spec.slice(eq + 1));
  } catch {
    throw new UsageError(`--viewlet ${name}=...: the args must be a JSON array, e.g. ${name}='["3"]'.`);
  }
  if (!Array.isArray(args)) throw new UsageError(`--viewlet ${name}=...: the args must be a JSON array, e.g. ${name}='["3"]'.`);
  return { name, args };
}

function parse(argv: string[], env: CliIO['env']) {
  // Refuse a secret on the command line before parseArgs could echo it in an
  // error ("Unexpected argument 'whsec_…'" for a stray one).
  if (argv.some((arg) => arg === '--secret' || arg.startsWith('--secret=') || arg.includes('whsec_'))) {
    throw new UsageError(
      'the secret is never taken from the command line; put it in an environment variable and name it with --secret-env.',
    );
  }
  if (argv.includes('--hard')) throw new UsageError('--hard was renamed; use --expire.');
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      url: { type: 'string' },
      'secret-env': { type: 'string', default: 'VIEWLET_WEBHOOK_SECRET' },
      tag: { type: 'string', multiple: true, default: [] },
      viewlet: { type: 'string', multiple: true, default: [] },
      expire: { type: 'boolean', default: false },
      id: { type: 'string' },
      timeout: { type: 'string', default: '10000' },
      attempts: { type: 'string', default: '5' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true as const };

  const url = values.url ?? env.VIEWLET_WEBHOOK_URL;
  if (!url) throw new UsageError('--url is required (or set VIEWLET_WEBHOOK_URL).');
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(url)} is not a URL.`);
  }
  if (parsedUrl.protocol !== 'https:' && parsedUrl.protocol !== 'http:') throw new UsageError('--url must be http(s).');
  if (parsedUrl.search.toLowerCase().includes('secret')) throw new UsageError('--url must not carry a secret in its query string.');

  const secretEnv = values['secret-env'];
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(secretEnv) || secretEnv.startsWith('whsec_')) {
    // Not echoed: it may be the secret itself, passed by mistake.
    throw new UsageError('--secret-env takes the NAME of an environment variable (like VIEWLET_WEBHOOK_SECRET), not the secret.');
  }
  const secret = env[secretEnv];
  if (!secret) throw new UsageError(`the environment variable ${secretEnv} is not set (it must hold the whsec_ secret).`);

  const timeoutMs = Number(values.timeout);
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) throw new UsageError('--timeout must be a positive number of milliseconds.');
  const attempts = Number(values.attempts);
  if (!Number.isSafeInteger(attempts) || attempts < 1 || attempts > 20)
    throw new UsageError('--attempts must be a whole number from 1 to 20.');
  const viewlets = values.viewlet.map(parseViewlet);
  if (values.tag.length === 0 && viewlets.length === 0) throw new UsageError('name at least one --tag or --viewlet.');

  return {
    help: false as const,
    url: parsedUrl,
    secret,
    tags: values.tag,
    viewlets,
    mode: values.expire ? ('expire' as const) : ('revalidate' as const),
    id: values.id,
    timeoutMs,
    attempts,
    json: values.json,
  };
}

export async function revalidateCommand(argv: string[], io: CliIO): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(argv, io.env);
  } catch (error) {
    // parseArgs errors name the offending flag only; ours never contain the secret.
    io.stderr(`next-viewlet revalidate: ${(error as Error).message}\n\n${REVALIDATE_USAGE}`);
    return EXIT.usage;
  }
  if (options.help) {
    io.stdout(REVALIDATE_USAGE);
    return EXIT.ok;
  }
  const { url, secret, tags, viewlets, mode, id, timeoutMs, attempts, json } = options;
  if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    io.stderr('warning: sending over plain http; the message is signed but readable on the way.');
  }
  try {
    const result = await sendRevalidation({
      url,
      secret,
      mode,
      timeoutMs,
      retry: { attempts },
      ...(tags.length > 0 && { tags }),
      ...(viewlets.length > 0 && { viewlets }),
      ...(id !== undefined && { id }),
      ...(io.fetch && { fetch: io.fetch }),
    });
    if (json) io.stdout(JSON.stringify(result));
    else if (result.duplicate)
      io.stdout(`Already processed: ${url.origin}${url.pathname} had seen this message id; nothing was invalidated again.`);
    else {
      const what = `${result.revalidated} tag${result.revalidated === 1 ? '' : 's'}`;
      io.stdout(
        [
          `${result.mode === 'expire' ? 'Expired' : 'Revalidated'} ${what} at ${url.origin}${url.pathname}:`,
          ...result.tags.map((tag) => `  ${tag}`),
        ].join('\n'),
      );
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof WebhookResponseError) {
      io.stderr(`next-viewlet revalidate: ${error.message}`);
      return EXIT.failed;
    }
    if (isViewletError(error)) {
      io.stderr(`next-viewlet revalidate: ${describeError(error)}`);
      return EXIT.usage;
    }
    throw error;
  }
}
