import { expect, signIn, stamp, test } from './support/fixtures';

test('an island loads in the browser after the page, per user, and refreshes from the cache', async ({ page, context }) => {
  await signIn(context, 'alice');
  await page.goto('/products/1');
  const island = page.locator('[data-viewlet-island="recommendations"]');
  await island.scrollIntoViewIfNeeded();
  const rendered = island.locator('[data-viewlet="recommendations"]');
  await expect(rendered).toContainText('Alice, you may also like');
  await expect(rendered).toContainText('Moka pot');
  await expect(rendered).not.toContainText('Espresso cup');
  const first = await stamp(page, 'recommendations');

  await island.getByRole('button', { name: 'Refresh suggestions' }).click();
  await expect(island).toHaveAttribute('aria-busy', 'false');
  expect(await stamp(page, 'recommendations'), 'served from the cache').toBe(first);
});

test('the island action refuses non-island viewlets and bad args, and renders nothing', async ({ page }) => {
  await page.goto('/islands');
  const form = page.getByRole('region', { name: 'Island playground' });
  const send = async (name: string, args: string) => {
    await form.getByLabel('Viewlet name').fill(name);
    await form.getByLabel('Args (JSON)').fill(args);
    await form.getByRole('button', { name: 'Load island' }).click();
  };

  await send('recommendations', '["2"]');
  await expect(page.getByTestId('island-result').locator('[data-viewlet="recommendations"]')).toContainText('Espresso cup');

  await send('site-nav', '[]');
  await expect(page.getByTestId('island-error')).toHaveText('E_NOT_ISLAND: no viewlet named "site-nav" may be loaded as an island.');
  await expect(page.getByTestId('island-result')).toHaveCount(0);

  await send('no-such-viewlet', '[]');
  await expect(page.getByTestId('island-error')).toContainText('E_NOT_ISLAND: no viewlet named "no-such-viewlet"');

  await send('recommendations', '["../../etc/passwd"]');
  await expect(page.getByTestId('island-error')).toContainText('E_INVALID_ARGS: viewlet "recommendations" got invalid args');
  await expect(page.getByTestId('island-result')).toHaveCount(0);

  await send('recommendations', '{"0":"1"}');
  await expect(page.getByTestId('island-error')).toContainText(
    'E_INVALID_ARGS: island "recommendations" args must be an array, got object.',
  );
});
