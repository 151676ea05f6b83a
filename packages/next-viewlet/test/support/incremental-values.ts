/** Next-shaped incremental cache values (pages, route responses, fetch results) for the incremental cache suites. */

/** Bytes that are not UTF-8, to prove values survive a text-only store. */
export const binary = (n = 512) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + 7) % 256));

export interface PageInput {
  html?: string;
  tags?: string[];
  rsc?: Buffer;
  postponed?: string;
}

/** An APP_PAGE value as Next passes it to `set`: HTML, RSC payload, segment data, headers with its tags. */
export function pageValue(input: PageInput = {}) {
  const tags = input.tags ?? ['_N_T_/layout', '_N_T_/page', '_N_T_/', '_N_T_/index', 'shell-data'];
  return {
    kind: 'APP_PAGE',
    html: input.html ?? '<html><body>shell ünïcode</body></html>',
    rscData: input.rsc ?? binary(),
    segmentData: new Map([
      ['/_tree', binary(64)],
      ['/__PAGE__', Buffer.from('page segment')],
    ]),
    headers: { 'x-nextjs-stale-time': '300', 'x-next-cache-tags': tags.join(',') },
    status: undefined,
    postponed: input.postponed,
  };
}

export function routeValue(body = '{"ok":true}', tags = ['_N_T_/api/static', 'route-data']) {
  return {
    kind: 'APP_ROUTE',
    body: Buffer.from(body),
    status: 200,
    headers: { 'content-type': 'application/json', 'x-next-cache-tags': tags.join(',') },
  };
}

export function fetchValue(body = 'fetched', revalidate = 60) {
  return {
    kind: 'FETCH',
    data: { headers: { 'content-type': 'text/plain' }, body: Buffer.from(body).toString('base64'), status: 200, url: 'http://127.0.0.1/x' },
    revalidate,
  };
}

export const PAGE_KEY = '/route-cache/APP_PAGE/c6377dd9ce6a1c2cd100eb4344e843eb4639b9ed26f84643f77680e9eb454c4b/$/index';
export const ROUTE_KEY = '/route-cache/APP_ROUTE/2d3bd64e93d7487061697f2362ce1eb75bfd24a0bf5e0b0798b3ea4272e368df/$/api/static';
export const FETCH_KEY = '9041833dc487aa4ef9f0e0e2dd9b0a0b0f4b7f1b6c4c8f62a0f5c1d2e3f4a5b6';

export const pageGet = { kind: 'APP_PAGE', isRoutePPREnabled: true, isFallback: false } as const;
export const routeGet = { kind: 'APP_ROUTE', isRoutePPREnabled: false, isFallback: false } as const;
export const pageSet = (revalidate: number | false = 2_592_000, expire: number | undefined = 31_536_000) =>
  ({
    kind: 'APP_PAGE',
    isRoutePPREnabled: true,
    isFallback: false,
    cacheControl: { revalidate, ...(expire !== undefined && { expire }) },
  }) as const;
export const fetchGet = (tags: string[] = ['api-data'], softTags: string[] = ['_N_T_/layout', '_N_T_/api/data']) =>
  ({ kind: 'FETCH', revalidate: 60, fetchUrl: 'http://127.0.0.1/x', fetchIdx: 1, tags, softTags }) as const;
export const fetchSet = (tags: string[] = ['api-data']) =>
  ({ fetchCache: true, fetchUrl: 'http://127.0.0.1/x', fetchIdx: 1, tags, isImplicitBuildTimeCache: false }) as const;

/** The HTML of a page answer (`undefined` for a miss). */
export const htmlOf = (answer: { value: unknown } | null | undefined): string | undefined =>
  (answer?.value as { html?: string } | undefined)?.html;
