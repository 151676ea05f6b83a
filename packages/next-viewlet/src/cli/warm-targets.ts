/**
 * What a warm-up requests: its pages (from arguments, URL files and sitemaps,
 * all on one origin) and its variants (from a JSON file: one set of cookies
 * and headers each, e.g. one per test user or language).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UsageError } from './io.ts';
import { onOrigin, readSitemap } from './sitemap.ts';
import type { WarmOptions } from './warm-options.ts';
import type { RetryOptions } from './fetch-with-retry.ts';

/** One way of requesting every page: its cookies and headers. */
export interface Variant {
  name: string;
  headers: Record<string, string>;
}

export interface WarmTargets {
  origin: URL;
  pages: URL[];
  variants: Variant[];
  /** Things worth telling (a sitemap cut short). */
  notes: string[];
}

/** The variant used without a variants file: no cookies, no extra headers. */
export const DEFAULT_VARIANT: Variant = { name: 'default', headers: {} };

// RFC 6265: a cookie name is an HTTP token; a value is cookie-octets (no spaces, quotes, commas, semicolons, backslashes).
const cookieName = z.string().regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'is not a valid cookie name');
const cookieValue = z
  .string()
  .regex(/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/, 'may not contain spaces, quotes, commas, semicolons or backslashes');
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade']);

const variantsSchema = z
  .array(
    z.strictObject({
      name: z.string().min(1).max(100),
      cookies: z.record(cookieName, cookieValue).optional(),
      headers: z.record(z.string(), z.string()).optional(),
    }),
  )
  .min(1)
  .max(100)
  .superRefine((variants, ctx) => {
    const names = new Set<string>();
    variants.forEach((variant, i) => {
      if (names.has(variant.name))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate name ${JSON.stringify(variant.name)}` });
      names.add(variant.name);
      for (const header of Object.keys(variant.headers ?? {})) {
        if (FORBIDDEN_HEADERS.has(header.toLowerCase())) {
          ctx.addIssue({ code: 'custom', path: [i, 'headers', header], message: 'may not be set' });
        }
      }
    });
  });

async function readText(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `${flag} ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`,
    );
  }
}

/** Parses a variants file's text (JSON). Throws `UsageError` saying what is wrong and where. */
export function parseVariants(text: string, where: string): Variant[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where} is not JSON: ${(error as Error).message}.`);
  }
  const result = variantsSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new UsageError(`${where}${path}: ${issue.message} (expected a list of {"name", "cookies"?, "headers"?}).`);
  }
  return result.data.map((variant) => {
    const headers: Record<string, string> = {};
    try {
      // Headers checks names and values as fetch would.
      new Headers(variant.headers).forEach((value, name) => {
        headers[name] = value;
      });
    } catch (error) {
      throw new UsageError(`${where}: variant ${JSON.stringify(variant.name)} has an invalid header: ${(error as Error).message}.`);
    }
    const cookies = Object.entries(variant.cookies ?? {}).map(([name, value]) => `${name}=${value}`);
    if (cookies.length > 0) headers.cookie = [headers.cookie, ...cookies].filter(Boolean).join('; ');
    return { name: variant.name, headers };
  });
}

/** A page given as an absolute http(s) URL or a path starting with `/`, on `origin`. */
function pageUrl(value: string, origin: URL, where: string): URL {
  if (!value.startsWith('/') && !/^https?:\/\//i.test(value)) {
    throw new UsageError(`${where}: ${JSON.stringify(value.slice(0, 200))} is neither an http(s) URL nor a path starting with /.`);
  }
  return onOrigin(value, origin, where);
}

/** Parses a URL list (one per line, `#` comments). Throws `UsageError` with the line number. */
export function parseUrlList(text: string, origin: URL, where: string): URL[] {
  const urls: URL[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line !== '' && !line.startsWith('#')) urls.push(pageUrl(line, origin, `${where} line ${i + 1}`));
  });
  return urls;
}

function originOf(options: WarmOptions): URL {
  if (options.origin) return options.origin;
  const first = [...options.urls, ...options.sitemaps].find((value) => /^https?:\/\//i.test(value));
  if (!first) throw new UsageError('--origin is required when the pages are given as paths.');
  try {
    return new URL(new URL(first).origin);
  } catch {
    throw new UsageError(`${JSON.stringify(first.slice(0, 200))} is not a URL.`);
  }
}

/** Collects every page and variant. Reads files and sitemaps; throws `UsageError` on any bad input. */
export async function loadWarmTargets(options: WarmOptions, retry: RetryOptions): Promise<WarmTargets> {
  const origin = originOf(options);
  const notes: string[] = [];
  const pages: URL[] = options.urls.map((value) => pageUrl(value, origin, 'argument'));
  for (const file of options.urlsFiles) pages.push(...parseUrlList(await readText(file, '--urls-file'), origin, file));
  for (const sitemap of options.sitemaps) {
    const result = await readSitemap(onOrigin(sitemap, origin, '--sitemap'), { origin, maxUrls: options.maxPages, retry });
    if (result.truncated) notes.push(`${sitemap}: only the first ${options.maxPages} pages are warmed (--max-pages).`);
    pages.push(...result.urls);
  }
  const unique = [...new Map(pages.map((url) => [url.href, url])).values()];
  if (unique.length === 0) throw new UsageError('no pages to warm: the URL lists and sitemaps are empty.');
  const variants = options.variantsFile
    ? parseVariants(await readText(options.variantsFile, '--variants'), options.variantsFile)
    : [DEFAULT_VARIANT];
  return { origin, pages: unique, variants, notes };
}
