/** With a basePath and trailingSlash, refreshViewlet with an app path fills the entry the page reads. */
import { expect, test } from '@playwright/test';
import { BASE, type NextServer, rendered, renderCounts, startFixture } from './support/fixture-server';

let server: NextServer;
test.beforeAll(async () => {
  server = await startFixture();
});
test.afterAll(async () => server.stop());

async function pagePath(): Promise<Record<string, string> | undefined> {
  const html = await (await fetch(`${server.baseURL}${BASE}/p/1/`)).text();
  return rendered(html, 'page-path')[0];
}

test('a refresh for /p/1 re-renders the entry /shop/p/1/ reads, so the next visit is a hit with the new data', async ({ page }) => {
  expect(await pagePath()).toMatchObject({ path: '/p/1/', version: '0', render: '1' });

  await page.goto(`${server.baseURL}${BASE}/admin/`);
  await page.getByRole('button', { name: 'Bump 1' }).click();
  // The refresh renders after the action's response: wait for its render, not for time.
  await expect.poll(async () => (await renderCounts(server))['page-path:/p/1/']).toBe(2);

  expect(await pagePath(), 'the refreshed entry, not a render of this visit').toMatchObject({ path: '/p/1/', version: '1', render: '2' });
  expect((await renderCounts(server))['page-path:/p/1/']).toBe(2);
});
