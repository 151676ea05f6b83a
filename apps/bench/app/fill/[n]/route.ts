import { cacheTag } from 'next/cache';
import { countRender, filler } from '@/lib/render-cost';

/** Most variants one request may fill. */
const MAX_PER_REQUEST = 100;

// One variant: its own entry and its own tag. Counted, but free: a fill is about variety, not render time.
async function variant(id: number): Promise<string> {
  'use cache';
  cacheTag(`fill:${id}`);
  countRender('fill');
  return `${id}:${filler(2048)}`;
}

/** `/fill/<n>?k=<k>`: variants n … n+k−1 (k defaults to 1), one `'use cache'` entry and one tag each. */
export async function GET(request: Request, { params }: { params: Promise<{ n: string }> }) {
  const { n } = await params;
  const k = new URL(request.url).searchParams.get('k') ?? '1';
  const first = Number(n);
  const count = Number(k);
  if (!/^\d{1,9}$/.test(n) || !/^\d{1,3}$/.test(k) || count < 1 || count > MAX_PER_REQUEST) {
    return new Response(`expected /fill/<n>?k=<1…${MAX_PER_REQUEST}> with n a whole number\n`, { status: 400 });
  }
  const parts = await Promise.all(Array.from({ length: count }, (_, i) => variant(first + i)));
  return new Response(parts.join('\n'), { headers: { 'content-type': 'text/plain' } });
}
