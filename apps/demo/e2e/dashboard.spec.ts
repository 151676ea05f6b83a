import { expect, test } from './support/fixtures';

test('the dashboard counts hits and misses of the store and lists the viewlets', async ({ page, request }) => {
  const before = await (await request.get('/api/viewlets/stats')).json();
  const hitsBefore = before.stores.memory?.hit ?? 0;
  await page.goto('/products/1');
  await page.reload();
  const after = await (await request.get('/api/viewlets/stats')).json();
  expect(after.stores.memory.hit).toBeGreaterThan(hitsBefore);
  expect(after.stores.memory.miss).toBeGreaterThan(0);
  expect(after.viewlets.map((v: { name: string }) => v.name)).toContain('product-teaser');

  await page.goto('/dashboard');
  const memory = page.getByRole('table', { name: 'Stores' }).locator('tr[data-store="memory"]');
  await expect(memory.locator('[data-stat="hit"]')).toHaveText(/^[1-9]\d*$/);
  await expect(page.getByRole('table', { name: 'Viewlets' }).getByRole('row', { name: /recommendations user/ })).toContainText('yes');
});
