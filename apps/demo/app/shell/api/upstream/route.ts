import { connection } from 'next/server';

/**
 * A dynamic route handler whose `fetch` is cached by Next's incremental cache
 * with the tag `shell-upstream`. DEMO_UPSTREAM_URL names the upstream (the e2e
 * suite starts one); without it there is nothing to fetch.
 */
export async function GET() {
  await connection();
  const url = process.env.DEMO_UPSTREAM_URL;
  if (!url) return Response.json({ upstream: null });
  const response = await fetch(url, { next: { tags: ['shell-upstream'], revalidate: 3600 } });
  return Response.json({ upstream: await response.text() });
}
