import { filler, renderCost } from '@/lib/render-cost';

async function variant(n: string): Promise<string> {
  'use cache';
  await renderCost('fill');
  return `${n}:${filler(2048)}`;
}

export async function GET(_request: Request, { params }: { params: Promise<{ n: string }> }) {
  const { n } = await params;
  return new Response(await variant(n), { headers: { 'content-type': 'text/plain' } });
}
