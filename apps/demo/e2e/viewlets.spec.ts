import type { Browser, BrowserContext } from '@playwright/test';
import { cacheWrites, expect, stamp, stamps, test } from './support/fixtures';

const CACHED = ['site-nav', 'account-panel', 'breadcrumbs', 'product-teaser', 'member-price'] as const;

async function contextAs(browser: Browser, baseURL: string, user?: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL });
  if (user) await context.addCookies([{ name: 'demo-user', value: user, url: baseURL }]);
  return context;
}

test('a second load is a cache hit; a data-only viewlet re-renders its cached data', async ({ page }) => {
  await page.goto('/products/1');
  const first = await stamps(page, CACHED);
  const firstStock = await page.locator('[data-viewlet="stock-level"]').getAttribute('data-loaded-at');
  const firstStockRender = await stamp(page, 'stock-level');

  await page.reload();
  expect(await stamps(page, CACHED)).toEqual(first);
  await expect(page.locator('[data-viewlet="stock-level"]')).toHaveAttribute('data-loaded-at', firstStock!);
  expect(await stamp(page, 'stock-level')).not.toBe(firstStockRender);
});

test("per-user: users never see each other's output; anonymous visitors share one entry", async ({ browser, baseURL }) => {
  const alice = await contextAs(browser, baseURL, 'alice');
  const bob = await contextAs(browser, baseURL, 'bob');
  const anon1 = await contextAs(browser, baseURL);
  const anon2 = await contextAs(browser, baseURL);
  const seen: Record<string, { text: string; at: string }> = {};
  for (const [who, context] of Object.entries({ alice, bob, anon1, anon2 })) {
    const page = await context.newPage();
    await page.goto('/');
    seen[who] = { text: (await page.getByTestId('account-name').textContent())!, at: await stamp(page, 'account-panel') };
  }
  expect(seen.alice!.text).toBe('Signed in as Alice');
  expect(seen.bob!.text).toBe('Signed in as Bob');
  expect(seen.anon1!.text).toBe('Anonymous');
  expect(seen.anon2).toEqual(seen.anon1);
  expect(seen.alice!.at).not.toBe(seen.bob!.at);

  // Alice reloads: her own entry, still cached; never Bob's.
  const again = await alice.newPage();
  await again.goto('/');
  await expect(again.getByTestId('account-name')).toHaveText('Signed in as Alice');
  expect(await stamp(again, 'account-panel')).toBe(seen.alice!.at);
  await Promise.all([alice, bob, anon1, anon2].map((c) => c.close()));
});

test('signing in through the demo switches the per-user variant', async ({ page }) => {
  await page.goto('/products/2');
  await expect(page.getByTestId('account-name')).toHaveText('Anonymous');
  await page.getByRole('link', { name: 'Bob' }).click();
  await expect(page.getByTestId('account-name')).toHaveText('Signed in as Bob');
  await expect(page.getByTestId('member-price')).toContainText('Bob, your member price here');
  await expect(page).toHaveURL(/\/products\/2$/);
});

test('per-path: each path has its own entry, and the path header cannot be spoofed', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, extraHTTPHeaders: { 'x-viewlet-path': '/spoofed' } });
  const page = await context.newPage();
  await page.goto('/products/1');
  const crumbs1 = page.locator('[data-viewlet="breadcrumbs"]');
  await expect(crumbs1).toHaveAttribute('data-path', '/products/1');
  const teaserOnOwnPage = page.locator('[data-viewlet="product-teaser"]');
  await expect(teaserOnOwnPage).toContainText('Now viewing');
  const at1 = await stamp(page, 'breadcrumbs');

  await page.goto('/products/2');
  await expect(page.locator('[data-viewlet="breadcrumbs"]')).toHaveAttribute('data-path', '/products/2');
  expect(await stamp(page, 'breadcrumbs')).not.toBe(at1);

  await page.goto('/');
  const teaserOnHome = page.locator('[data-viewlet="product-teaser"][data-product="1"]');
  await expect(teaserOnHome).toHaveAttribute('data-path', '/');
  await expect(teaserOnHome).toContainText('See product');
  await context.close();
});

test('per-user+path: one entry per user and page', async ({ browser, baseURL }) => {
  const alice = await contextAs(browser, baseURL, 'alice');
  const bob = await contextAs(browser, baseURL, 'bob');
  const a = await alice.newPage();
  const b = await bob.newPage();
  await a.goto('/products/3');
  await b.goto('/products/3');
  await expect(a.getByTestId('member-price')).toContainText('Alice, your member price here: $17.10');
  await expect(b.getByTestId('member-price')).toContainText('Bob, your member price here: $15.20');
  const a3 = await stamp(a, 'member-price');
  await a.goto('/products/1');
  await expect(a.getByTestId('member-price')).toContainText('Alice, your member price here: $10.80');
  expect(await stamp(a, 'member-price')).not.toBe(a3);
  await a.goto('/products/3');
  expect(await stamp(a, 'member-price')).toBe(a3);
  await Promise.all([alice.close(), bob.close()]);
});

test('the failing viewlet shows its fallback while the rest of the page renders', async ({ page, demo }) => {
  const response = await page.goto('/products/3');
  expect(response?.status()).toBe(200);
  await page.waitForLoadState('load');
  // The streamed Suspense fallback is swapped out once the stream ends: exactly one fallback stays.
  await expect(page.locator('[data-viewlet-fallback="reviews"]')).toHaveCount(1);
  await expect(page.locator('[data-viewlet-fallback="reviews"]')).toHaveText('Reviews are unavailable right now.');
  await expect(page.locator('[data-viewlet="product-teaser"]')).toContainText('Milk jug');
  await expect(page.locator('[data-viewlet="stock-level"]')).toContainText('15 in stock');
  // Logged as one line naming the viewlet and the error (at most once a minute: earlier tests loaded other products).
  const lines =
    demo.output().match(/\[next-viewlet\] viewlet "reviews" failed, [^\n]*: Error: Reviews service is down \(product \d\)/g) ?? [];
  expect(lines.length).toBeGreaterThanOrEqual(1);
});

test('the admin action shows the new price at once and the next load of the product is a hit', async ({ page }) => {
  await page.goto('/products/2');
  const before = await stamp(page, 'product-teaser');

  await page.goto('/admin');
  const setsBefore = await cacheWrites(page);
  await page.getByLabel('Product').selectOption('2');
  await page.getByLabel('New price').fill('77.5');
  await page.getByRole('button', { name: 'Save and refresh' }).click();
  await expect(page.getByRole('status')).toHaveText('Moka pot now costs $77.50.');
  await expect(page.locator('[data-viewlet="product-teaser"][data-product="2"]').getByTestId('price')).toHaveText('$77.50');

  // The three variants are re-rendered after the response (the first may be a hit on what the response
  // itself stored): once three more entries have been written, /products/2's is among them.
  await expect.poll(() => cacheWrites(page)).toBeGreaterThanOrEqual(setsBefore + 3);
  const visitStart = Date.now();
  await page.goto('/products/2');
  await expect(page.locator('[data-viewlet="product-teaser"]').getByTestId('price')).toHaveText('$77.50');
  const renderedAt = Date.parse(await stamp(page, 'product-teaser'));
  expect(renderedAt).toBeGreaterThan(Date.parse(before));
  expect(renderedAt, 'rendered before this visit started: a cache hit').toBeLessThan(visitStart);
  await page.reload();
  expect(Date.parse(await stamp(page, 'product-teaser'))).toBe(renderedAt);
});

test('a bad admin input gets a clear message and changes nothing', async ({ page }) => {
  await page.goto('/admin');
  await page.getByLabel('Product').selectOption('1');
  await page.getByLabel('New price').fill('100001');
  await page.getByRole('button', { name: 'Save and refresh' }).click();
  await expect(page.getByRole('form', { name: 'Change a price' }).getByRole('alert')).toHaveText(
    'Price must be a number between 0 and 100000.',
  );
  await page.goto('/products/1');
  await expect(page.locator('[data-viewlet="product-teaser"]').getByTestId('price')).toHaveText('$12.00');
});

test('per-session: each browser session has its own entry, kept across its pages', async ({ browser, baseURL }) => {
  const first = await browser.newContext({ baseURL });
  const second = await browser.newContext({ baseURL });
  const a = await first.newPage();
  const b = await second.newPage();
  await a.goto('/');
  await b.goto('/');
  await expect(a.locator('[data-viewlet="session-badge"]')).toContainText(/Session [0-9a-f]{6}…/);
  const atA = await stamp(a, 'session-badge');
  const atB = await stamp(b, 'session-badge');
  expect(atA).not.toBe(atB);
  expect(await a.locator('[data-viewlet="session-badge"]').textContent()).not.toBe(
    await b.locator('[data-viewlet="session-badge"]').textContent(),
  );
  await a.goto('/products/2');
  expect(await stamp(a, 'session-badge'), 'same session, another page: a hit').toBe(atA);
  await Promise.all([first.close(), second.close()]);
});

test('custom vary: one entry per supported language, shared by every visitor who prefers it', async ({ browser, baseURL }) => {
  // The browser's locale becomes its Accept-Language header.
  const visit = async (locale: string) => {
    const context = await browser.newContext({ baseURL, locale });
    const page = await context.newPage();
    await page.goto('/');
    const heading = page.locator('[data-viewlet="greeting"]');
    const result = {
      text: await heading.textContent(),
      language: await heading.getAttribute('data-language'),
      at: await stamp(page, 'greeting'),
    };
    await context.close();
    return result;
  };
  const swedish = await visit('sv-SE');
  const swedishToo = await visit('sv');
  const german = await visit('de-DE');
  const unsupported = await visit('fi-FI');
  expect(swedish).toMatchObject({ text: 'Välkommen till butiken', language: 'sv' });
  expect(swedishToo).toEqual(swedish);
  expect(german).toMatchObject({ text: 'Willkommen im Laden', language: 'de' });
  expect(german.at).not.toBe(swedish.at);
  expect(unsupported).toMatchObject({ text: 'Welcome to the shop', language: 'en' });
});
