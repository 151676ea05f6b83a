/**
 * Page URLs from a sitemap (sitemaps.org protocol): a `<urlset>`, or a
 * `<sitemapindex>` whose sitemaps are read in turn. Gzipped sitemaps are
 * unpacked. Every sitemap and every page must be on the warm-up's origin.
 */
import { gunzipSync } from 'node:zlib';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { fetchWithRetry, type RetryOptions } from './fetch-with-retry.ts';
import { UsageError } from './io.ts';

export interface SitemapOptions {
  /** Every sitemap and page URL must be on this origin. */
  origin: URL;
  /** Stop after this many page URLs. Default 10000. */
  maxUrls?: number;
  /** Most sitemaps read (an index and the sitemaps it lists). Default 1000. */
  maxSitemaps?: number;
  retry?: RetryOptions;
}

export interface SitemapResult {
  urls: URL[];
  /** Sitemaps read. */
  sitemaps: number;
  /** True when `maxUrls` cut the list short. */
  truncated: boolean;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => name === 'url' || name === 'sitemap',
});

type Parsed = { urlset?: { url?: { loc?: unknown }[] } | ''; sitemapindex?: { sitemap?: { loc?: unknown }[] } | '' };

/** `value` as a URL on `origin`, or a UsageError naming `where` it came from. */
export function onOrigin(value: string, origin: URL, where: string): URL {
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    throw new UsageError(`${where}: ${JSON.stringify(value.slice(0, 200))} is not a URL.`);
  }
  if (url.origin !== origin.origin) {
    throw new UsageError(`${where}: ${url.href} is not on ${origin.origin}; warm requests only pages of --origin.`);
  }
  url.hash = '';
  return url;
}

function text(body: Uint8Array): string {
  const gzipped = body[0] === 0x1f && body[1] === 0x8b;
  return new TextDecoder('utf-8', { fatal: false }).decode(gzipped ? gunzipSync(body) : body);
}

function locs(entries: { loc?: unknown }[] | undefined, where: string): string[] {
  return (entries ?? []).map((entry, i) => {
    if (typeof entry?.loc !== 'string' || entry.loc.trim() === '') throw new UsageError(`${where}: entry ${i + 1} has no <loc>.`);
    return entry.loc.trim();
  });
}

/** Reads the page URLs of the sitemap at `url`, following sitemap indexes. Throws `UsageError` for anything unusable. */
export async function readSitemap(url: URL, options: SitemapOptions): Promise<SitemapResult> {
  const maxUrls = options.maxUrls ?? 10_000;
  const maxSitemaps = options.maxSitemaps ?? 1000;
  const queue = [onOrigin(url.href, options.origin, '--sitemap')];
  const seen = new Set<string>();
  const urls: URL[] = [];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next.href)) continue;
    if (seen.size >= maxSitemaps) throw new UsageError(`more than ${maxSitemaps} sitemaps to read from ${url.href}.`);
    seen.add(next.href);
    const where = `sitemap ${next.href}`;
    const answer = await fetchWithRetry(next, { headers: { accept: 'application/xml, text/xml;q=0.9, */*;q=0.1' } }, options.retry);
    if (answer.status === 0) throw new UsageError(`could not read ${where}: ${answer.error}.`);
    if (answer.status < 200 || answer.status > 299) throw new UsageError(`could not read ${where}: it answered HTTP ${answer.status}.`);
    let xml: string;
    try {
      xml = text(answer.body);
    } catch (error) {
      throw new UsageError(`${where} is not valid gzip: ${(error as Error).message}.`);
    }
    const valid = XMLValidator.validate(xml);
    if (valid !== true) {
      throw new UsageError(`${where} is not well-formed XML (line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}).`);
    }
    let parsed: Parsed;
    try {
      parsed = parser.parse(xml) as Parsed;
    } catch (error) {
      throw new UsageError(`${where} could not be parsed: ${(error as Error).message}.`);
    }
    if (parsed.sitemapindex !== undefined) {
      const index = parsed.sitemapindex === '' ? undefined : parsed.sitemapindex.sitemap;
      for (const loc of locs(index, where)) queue.push(onOrigin(loc, options.origin, where));
    } else if (parsed.urlset !== undefined) {
      const entries = parsed.urlset === '' ? undefined : parsed.urlset.url;
      for (const loc of locs(entries, where)) {
        if (urls.length >= maxUrls) return { urls, sitemaps: seen.size, truncated: true };
        urls.push(onOrigin(loc, options.origin, where));
      }
    } else {
      throw new UsageError(`${where} is not a sitemap: it has neither <urlset> nor <sitemapindex>.`);
    }
  }
  return { urls, sitemaps: seen.size, truncated: false };
}
