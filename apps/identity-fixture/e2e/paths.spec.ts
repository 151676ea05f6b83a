/**
 * The path a viewlet varies by: only the proxy's, in the one spelling Next
 * routes, basePath and trailing slash included; URLs no route matches share
 * one not-found variant.
 */
import { expect, test } from '@playwright/test';
import { BASE, type NextServer, rendered, renderCounts, startFixture } from './support/fixture-server';

let server: NextServer;
test.beforeAll(async () => {
  server = await startFixture();
});
test.afterAll(async () => server.stop());

const forged = { 'x-viewlet-path': '/p/1/', 'x-viewlet-path-proof': 'A'.repeat(43) };

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; html: string; headers: Headers }> {
  const response = await fetch(`${server.baseURL}${BASE}${path}`, { headers, redirect: 'manual' });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

test('a page outside the matcher ignores a forged path header: E_NO_PATH and the fallback, logged a bounded number of times', async () => {
  for (let i = 0; i < 20; i++) {
    const { status, html } = await get('/outside/', forged);
    expect(status).toBe(200);
    expect(rendered(html, 'page-path'), 'no output for the forged path').toEqual([]);
    expect(html).toContain('data-fallback="page-path"');
    expect(rendered(html, 'where')).toEqual([]);
  }
  await expect.poll(() => server.output()).toContain('viewlet "page-path" failed, showing its fallback: E_NO_PATH');
  const lines = server
    .output()
    .split('\n')
    .filter((line) => line.includes('E_NO_PATH'));
  expect(lines.length, 'one line per viewlet and minute, not one per request').toBeLessThanOrEqual(2);
  expect(lines.join('\n')).toContain('not set by the viewlet proxy');
});

test('inside the matcher the proxy overwrites a forged path, and its headers never reach the client', async () => {
  const { html, headers } = await get('/p/2/', forged);
  expect(rendered(html, 'page-path')[0]).toMatchObject({ path: '/p/2/' });
  expect([...headers.keys()].filter((name) => name.startsWith('x-viewlet'))).toEqual([]);
});

test('/p/%31/ and /p/1/ are one entry, with basePath stripped and the trailing slash kept', async () => {
  const first = rendered((await get('/p/1/')).html, 'page-path')[0];
  const encoded = rendered((await get('/p/%31/')).html, 'page-path')[0];
  expect(first).toMatchObject({ path: '/p/1/' });
  expect(encoded).toEqual(first);
  expect((await renderCounts(server))['page-path:/p/1/']).toBe(1);
});

test('URLs no route matches share one variant of the layout viewlets', async () => {
  const urls = ['/nope-1/', '/nope-2/deeper/', '/favicon.icons', `/${'x/'.repeat(20)}`];
  for (const url of urls) {
    const { status, html } = await get(url);
    expect(status, url).toBe(404);
    expect(rendered(html, 'where')[0], url).toMatchObject({ path: '/_not-found' });
  }
  const counts = await renderCounts(server);
  expect(counts['where:/_not-found']).toBe(1);
  expect(Object.keys(counts).filter((key) => key.startsWith('where:/nope') || key.startsWith('where:/x'))).toEqual([]);
});

test('past maxVariantsPerInstance a new variant renders on every request and makes no entry', async () => {
  for (const id of ['1', '2', '3', '3', '1', '2']) expect((await get(`/p/${id}/`)).status).toBe(200);
  const counts = await renderCounts(server);
  expect(counts['capped:/p/1/'], 'first two variants: cached').toBe(1);
  expect(counts['capped:/p/2/']).toBe(1);
  expect(counts['capped:/p/3/'], 'the third: rendered each time, never cached').toBe(2);
  await expect.poll(() => server.output()).toContain('viewlet "capped" has 2 variants cached in this process');
});
