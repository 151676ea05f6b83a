/**
 * Reads what `next build` prerendered, for the incremental cache handler.
 *
 * `next build` writes prerendered pages and route handler responses to
 * `.next/server/app` (`.html`, `.rsc`, `.segments/…`, `.body`, `.meta`), never
 * through the cache handler, and with a custom handler nothing reads those
 * files again: the first request after a start would be a miss. This module
 * reads them the way Next's own file-system cache does: the `.meta` file of
 * the page's path must name the runtime key Next asks for
 * (`routeCache.key`), the lifetime comes from `prerender-manifest.json`, and
 * the time of generation is the file's modification time.
 */
import { readFile, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CacheControlLike } from './incremental-codec.ts';

/** A prerendered entry read from the build output. `lastModified` in ms on this machine's clock. */
export interface BuildEntry {
  lastModified: number;
  value: Record<string, unknown>;
  cacheControl?: CacheControlLike | undefined;
}

/** What Next tells `get` about a response entry. */
export interface BuildLookup {
  kind: string;
  isFallback?: boolean | undefined;
  isRoutePPREnabled?: boolean | undefined;
}

interface Meta {
  status?: number;
  headers?: Record<string, string>;
  postponed?: string;
  segmentPaths?: string[];
  routeCacheLastModified?: number;
  routeCache?: { key?: string; isFallback?: boolean };
}

type ManifestRoute = { initialRevalidateSeconds?: number | false; initialExpireSeconds?: number };

/** The build id of the build in `serverDistDir` (`.next/server`), or `undefined` while building (not written yet). */
export function readBuildId(serverDistDir: string | undefined): string | undefined {
  if (!serverDistDir) return undefined;
  try {
    return readFileSync(path.join(serverDistDir, '..', 'BUILD_ID'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

// Next's normalizePagePath: '/' is stored as '/index', '/index/x' as '/index/index/x'.
const normalizePagePath = (route: string) => (route === '/' ? '/index' : /^\/index(\/|$)/.test(route) ? `/index${route}` : route);

export interface BuildOutput {
  /** The prerendered entry Next asks for with `key`, or `undefined` (not prerendered, or unreadable). */
  read(key: string, lookup: BuildLookup): Promise<BuildEntry | undefined>;
}

/** The build output in `serverDistDir`; every read failure is "not prerendered". */
export function buildOutput(serverDistDir: string): BuildOutput {
  const appDir = path.join(serverDistDir, 'app');
  let lifetimes: Map<string, CacheControlLike> | undefined;
  const lifetimeOf = (pagePath: string): CacheControlLike | undefined => {
    if (!lifetimes) {
      lifetimes = new Map();
      try {
        const manifest = JSON.parse(readFileSync(path.join(serverDistDir, '..', 'prerender-manifest.json'), 'utf8')) as {
          routes?: Record<string, ManifestRoute>;
        };
        for (const [route, entry] of Object.entries(manifest.routes ?? {})) {
          const revalidate = entry.initialRevalidateSeconds;
          if (revalidate === undefined) continue;
          lifetimes.set(normalizePagePath(route), {
            revalidate,
            ...(typeof entry.initialExpireSeconds === 'number' && { expire: entry.initialExpireSeconds }),
          });
        }
      } catch {
        // No manifest: Next falls back to its own defaults.
      }
    }
    return lifetimes.get(pagePath);
  };

  return {
    async read(key, lookup) {
      const marker = key.indexOf('/$/');
      if (!key.startsWith('/route-cache/') || marker === -1) return undefined;
      const pagePath = key.slice(marker + 2);
      const base = path.join(appDir, pagePath);
      // A key naming a path outside the build output is not a prerendered page.
      if (!base.startsWith(appDir + path.sep)) return undefined;
      try {
        const meta = JSON.parse(await readFile(`${base}.meta`, 'utf8')) as Meta;
        if (meta.routeCache?.key !== key) return undefined;
        const ppr = lookup.kind === 'APP_PAGE' && lookup.isRoutePPREnabled === true && meta.postponed != null;
        if (Boolean(meta.routeCache.isFallback) !== Boolean(lookup.isFallback) && !ppr) return undefined;
        const cacheControl = lifetimeOf(pagePath);
        if (lookup.kind === 'APP_ROUTE') {
          const file = `${base}.body`;
          const [body, info] = await Promise.all([readFile(file), stat(file)]);
          return {
            lastModified: meta.routeCacheLastModified ?? info.mtimeMs,
            value: { kind: 'APP_ROUTE', body, headers: meta.headers, status: meta.status },
            cacheControl,
          };
        }
        if (lookup.kind !== 'APP_PAGE') return undefined;
        const file = `${base}.html`;
        const [html, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
        // In the order of the meta file, as Next reads them; a missing segment is served as if it had no prefetch.
        const segments = meta.segmentPaths
          ? await Promise.all(meta.segmentPaths.map((segment) => readFile(`${base}.segments${segment}.segment.rsc`).catch(() => undefined)))
          : undefined;
        const segmentData = meta.segmentPaths
          ? new Map(meta.segmentPaths.flatMap((segment, i) => (segments?.[i] ? [[segment, segments[i]] as const] : [])))
          : undefined;
        const rscData =
          !lookup.isFallback && !(lookup.isRoutePPREnabled && meta.postponed != null) ? await readFile(`${base}.rsc`) : undefined;
        return {
          lastModified: meta.routeCacheLastModified ?? info.mtimeMs,
          value: {
            kind: 'APP_PAGE',
            html,
            rscData,
            postponed: meta.postponed,
            headers: meta.headers,
            status: meta.status,
            segmentData,
          },
          cacheControl,
        };
      } catch {
        return undefined;
      }
    },
  };
}
