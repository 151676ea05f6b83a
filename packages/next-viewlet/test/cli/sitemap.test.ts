/**
 * Sitemaps from a real loopback server: url sets, indexes (followed), gzip,
 * and every way a sitemap can be unusable (a UsageError: exit code 2).
 */
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/io.ts';
import { readSitemap } from '../../src/cli/sitemap.ts';
import { type HttpFixture, serveRoutes } from '../support/http-fixture.ts';

const xml = (body: string) => ({ body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`, headers: { 'content-type': 'application/xml' } });
const urlset = (locs: string[]) =>
  xml(
    `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs.map((l) => `<url><loc>${l}</loc><lastmod>2026-01-01</lastmod></url>`).join('')}</urlset>`,
  );
const index = (locs: string[]) =>
  xml(
    `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs.map((l) => `<sitemap><loc>${l}</loc></sitemap>`).join('')}</sitemapindex>`,
  );

let site: HttpFixture;
afterEach(() => site?.close());

const read = (path: string, options: { maxUrls?: number } = {}) =>
  readSitemap(new URL(path, site.origin), { origin: new URL(site.origin), retry: { retries: 0 }, ...options });

describe('readSitemap', () => {
  it('reads the <loc> of every <url>, entities decoded, fragments dropped', async () => {
    site = await serveRoutes({});
    site.routes['/sitemap.xml'] = urlset([`${site.origin}/`, ` ${site.origin}/products/1?a=1&amp;b=2 `, `${site.origin}/about#team`]);
    const result = await read('/sitemap.xml');
    expect(result.urls.map(String)).toEqual([`${site.origin}/`, `${site.origin}/products/1?a=1&b=2`, `${site.origin}/about`]);
    expect(result).toMatchObject({ sitemaps: 1, truncated: false });
  });

  it('follows a sitemap index to its sitemaps, gzipped ones too, reading each once', async () => {
    site = await serveRoutes({});
    site.routes['/sitemap.xml'] = index([`${site.origin}/a.xml`, `${site.origin}/b.xml.gz`, `${site.origin}/a.xml`]);
    site.routes['/a.xml'] = urlset([`${site.origin}/a1`, `${site.origin}/a2`]);
    site.routes['/b.xml.gz'] = { body: gzipSync(urlset([`${site.origin}/b1`]).body), headers: { 'content-type': 'application/gzip' } };
    const result = await read('/sitemap.xml');
    expect(result.urls.map((u) => u.pathname)).toEqual(['/a1', '/a2', '/b1']);
    expect(result.sitemaps).toBe(3);
    expect(site.requests.filter((r) => r.url === '/a.xml')).toHaveLength(1);
  });

  it('stops at maxUrls and says so', async () => {
    site = await serveRoutes({});
    site.routes['/sitemap.xml'] = urlset([1, 2, 3, 4].map((n) => `${site.origin}/p${n}`));
    const result = await read('/sitemap.xml', { maxUrls: 2 });
    expect(result.urls.map((u) => u.pathname)).toEqual(['/p1', '/p2']);
    expect(result.truncated).toBe(true);
  });

  it.each([
    ['answers 404', '/missing.xml', /could not read sitemap .*missing\.xml: it answered HTTP 404/],
    ['is not well-formed', '/broken.xml', /is not well-formed XML \(line 3, column \d+: .*closing tag/],
    ['is some other XML', '/feed.xml', /is not a sitemap: it has neither <urlset> nor <sitemapindex>/],
    ['has an entry without <loc>', '/noloc.xml', /entry 2 has no <loc>/],
    ['lists a page on another host', '/foreign.xml', /https:\/\/elsewhere\.example\/x is not on http:\/\/127\.0\.0\.1:\d+/],
    ['is an index pointing to another host', '/foreign-index.xml', /https:\/\/elsewhere\.example\/s\.xml is not on/],
    ['is not a URL in a <loc>', '/badloc.xml', /"http:\/\/\[nope" is not a URL/],
  ])('refuses a sitemap that %s', async (_label, path, message) => {
    site = await serveRoutes({
      '/broken.xml': xml('<urlset>\n<url><loc>x</url></urlset>'),
      '/feed.xml': xml('<rss><channel/></rss>'),
      '/noloc.xml': xml('<urlset><url><loc>/a</loc></url><url><lastmod>2026</lastmod></url></urlset>'),
      '/foreign.xml': urlset(['https://elsewhere.example/x']),
      '/foreign-index.xml': index(['https://elsewhere.example/s.xml']),
      '/badloc.xml': urlset(['http://[nope']),
    });
    const error = await read(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses an unreachable sitemap', async () => {
    site = await serveRoutes({});
    const origin = site.origin;
    await site.close();
    const error = await readSitemap(new URL('/sitemap.xml', origin), { origin: new URL(origin), retry: { retries: 0 } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/could not read sitemap .*: fetch failed \(connect ECONNREFUSED/);
  });
});
