/**
 * The demo's identity and paths: users sign in through signed cookies, a
 * forged or edited cookie is anonymous, and every spelling of a product page
 * shares one entry of its path-varied viewlets.
 */
import { expect, signIn, stamp, test } from './support/fixtures';

test('a forged unsigned user cookie is anonymous and shares the anonymous entry', async ({ browser, baseURL }) => {
  const anonymous = await browser.newContext({ baseURL });
  const forger = await browser.newContext({ baseURL });
  await forger.addCookies([{ name: 'demo-user', value: 'bob', url: baseURL }]);
  const a = await anonymous.newPage();
  await a.goto('/');
  await expect(a.getByTestId('account-name')).toHaveText('Anonymous');
  const f = await forger.newPage();
  await f.goto('/');
  await expect(f.getByTestId('account-name')).toHaveText('Anonymous');
  expect(await stamp(f, 'account-panel'), 'the shared anonymous entry, not a new one').toBe(await stamp(a, 'account-panel'));
  await Promise.all([anonymous.close(), forger.close()]);
});

test('a signed cookie edited to name another user is anonymous, never that user', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL });
  await signIn(context, 'alice');
  const signed = (await context.cookies()).find((c) => c.name === 'demo-user')!;
  const [version, , mac] = signed.value.split('.');
  const bob = Buffer.from(JSON.stringify(['bob', null])).toString('base64url');
  await context.addCookies([{ name: signed.name, value: `${version}.${bob}.${mac}`, domain: signed.domain, path: signed.path }]);
  const page = await context.newPage();
  await page.goto('/products/1');
  await expect(page.getByTestId('account-name')).toHaveText('Anonymous');
  await expect(page.getByTestId('member-price')).toHaveText('Sign in for a member price.');
  await context.close();
});

test('signing out drops the signed cookie', async ({ page, context }) => {
  await signIn(context, 'bob');
  await page.goto('/');
  await expect(page.getByTestId('account-name')).toHaveText('Signed in as Bob');
  await page.getByRole('link', { name: 'Sign out' }).click();
  await expect(page.getByTestId('account-name')).toHaveText('Anonymous');
});

test('/products/%31 and /products/1 share one entry of the product teaser', async ({ page }) => {
  await page.goto('/products/1');
  const teaser = page.locator('[data-viewlet="product-teaser"]');
  await expect(teaser).toHaveAttribute('data-path', '/products/1');
  await expect(teaser).toContainText('Now viewing');
  const first = await stamp(page, 'product-teaser');
  const crumbs = await stamp(page, 'breadcrumbs');

  await page.goto('/products/%31');
  await expect(teaser).toHaveAttribute('data-path', '/products/1');
  await expect(teaser).toContainText('Now viewing');
  expect(await stamp(page, 'product-teaser'), 'one entry for both spellings').toBe(first);
  expect(await stamp(page, 'breadcrumbs')).toBe(crumbs);
});

test('the session cookie is signed: an edited one gets a new session', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto('/');
  const session = (await context.cookies()).find((c) => c.name === 'demo-session')!;
  expect(session.value).toMatch(/^v1\.[\w-]+\.[\w-]{43}$/);
  await context.addCookies([{ name: session.name, value: 'f'.repeat(32), domain: session.domain, path: session.path }]);
  await page.goto('/');
  const renewed = (await context.cookies()).find((c) => c.name === 'demo-session')!;
  expect(renewed.value).toMatch(/^v1\./);
  expect(renewed.value).not.toBe(session.value);
  await context.close();
});
