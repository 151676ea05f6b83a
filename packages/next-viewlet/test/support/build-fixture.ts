/**
 * A `.next` directory as `next build` leaves it, written to a temp dir: BUILD_ID,
 * prerender-manifest.json and, under server/app, a prerendered page (`/`) and a
 * route handler response (`/api/static`) with their `.meta` files.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { binary, PAGE_KEY, ROUTE_KEY } from './incremental-values.ts';

export interface BuildFixture {
  /** `.next/server`, as Next passes it to the handler (`serverDistDir`). */
  serverDistDir: string;
  buildId: string;
  /** Sets the modification time of the prerendered files (their generation time), ms. */
  touch(ms: number): void;
  remove(): void;
}

export const BUILT_HTML = '<html><body>prerendered at build</body></html>';
export const BUILT_TAGS = '_N_T_/layout,_N_T_/page,_N_T_/,_N_T_/index,shell-data';

export function buildFixture(buildId = 'build-1'): BuildFixture {
  const root = mkdtempSync(path.join(tmpdir(), 'nv-build-'));
  const server = path.join(root, 'server');
  const app = path.join(server, 'app');
  mkdirSync(path.join(app, 'index.segments'), { recursive: true });
  mkdirSync(path.join(app, 'api'), { recursive: true });
  writeFileSync(path.join(root, 'BUILD_ID'), buildId);
  writeFileSync(
    path.join(root, 'prerender-manifest.json'),
    JSON.stringify({
      version: 4,
      routes: {
        '/': { initialRevalidateSeconds: 2_592_000, initialExpireSeconds: 31_536_000, srcRoute: '/', dataRoute: '/index.rsc' },
        '/api/static': { initialRevalidateSeconds: 3600, initialExpireSeconds: 86_400, srcRoute: '/api/static', dataRoute: null },
      },
      dynamicRoutes: {},
      notFoundRoutes: [],
    }),
  );
  const files: string[] = [];
  const write = (name: string, content: string | Buffer) => {
    writeFileSync(path.join(app, name), content);
    files.push(path.join(app, name));
  };
  write('index.html', BUILT_HTML);
  write('index.rsc', binary(256));
  write('index.segments/_tree.segment.rsc', binary(32));
  write('index.segments/__PAGE__.segment.rsc', Buffer.from('page segment'));
  write(
    'index.meta',
    JSON.stringify({
      status: 200,
      headers: { 'x-nextjs-stale-time': '300', 'x-nextjs-prerender': '1', 'x-next-cache-tags': BUILT_TAGS },
      segmentPaths: ['/_tree', '/__PAGE__'],
      routeCache: { key: PAGE_KEY, owner: { kind: 'APP_PAGE', sourceRoute: '/page' }, isFallback: false },
    }),
  );
  write('api/static.body', '{"built":true}');
  write(
    'api/static.meta',
    JSON.stringify({
      status: 200,
      headers: { 'content-type': 'application/json', 'x-next-cache-tags': '_N_T_/api/static,route-data' },
      routeCache: { key: ROUTE_KEY, owner: { kind: 'APP_ROUTE', sourceRoute: '/api/static/route' }, isFallback: false },
    }),
  );
  return {
    serverDistDir: server,
    buildId,
    touch(ms) {
      for (const file of files) utimesSync(file, ms / 1000, ms / 1000);
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
