import { expect, test } from './support/fixtures';
import { TEST_STATS_TOKEN } from './support/next-server';

const auth = { headers: { authorization: `Bearer ${TEST_STATS_TOKEN}` } };

test('the dashboard counts hits and misses of the store and lists the viewlets', async ({ page, request }) => {
  const before = await (await request.get('/api/viewlets/stats', auth)).json();
  const hitsBefore = before.stores.memory?.hit ?? 0;
  await page.goto('/products/1');
  await page.reload();
  const after = await (await request.get('/api/viewlets/stats', auth)).json();
  expect(after.stores.memory.hit).toBeGreaterThan(hitsBefore);
  expect(after.stores.memory.miss).toBeGreaterThan(0);
  expect(Object.keys(after.viewlets)).toContain('product-teaser');

  await page.goto('/dashboard');
  const memory = page.getByRole('table', { name: 'Stores' }).locator('tr[data-store="memory"]');
  await expect(memory.locator('[data-stat="hit"]')).toHaveText(/^[1-9]\d*$/);
  await expect(page.getByRole('table', { name: 'Viewlets' }).getByRole('row', { name: /recommendations user/ })).toContainText('yes');
});
