/**
 * Test hooks of the demo, answered only with DEMO_FAULTS=1 (404 otherwise):
 * GET → the supplier feed's state; POST `{ "failing": true|false }` switches it,
 * `{ "expireTag": "..." }` expires a tag from this Route Handler (its
 * invalidation reaches the store after the response, as Next runs it).
 */
import { expireViewlet } from 'next-viewlet';
import { supplierState } from '@/lib/supplier';

const enabled = () => process.env.DEMO_FAULTS === '1';
const notFound = () => new Response('Not found', { status: 404 });

export function GET() {
  if (!enabled()) return notFound();
  return Response.json(supplierState(), { headers: { 'cache-control': 'no-store' } });
}

export async function POST(request: Request) {
  if (!enabled()) return notFound();
  const body = (await request.json().catch(() => ({}))) as { failing?: unknown; expireTag?: unknown };
  const state = supplierState();
  if (typeof body.failing === 'boolean') state.failing = body.failing;
  if (typeof body.expireTag === 'string') await expireViewlet(body.expireTag);
  return Response.json(state, { headers: { 'cache-control': 'no-store' } });
}
