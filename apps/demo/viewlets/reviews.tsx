import { viewlet } from 'next-viewlet';
import { slowQuery } from '@/lib/db';
import './setup';

/** Fails on purpose: the page shows its fallback and everything else renders. */
export const reviews = viewlet({ name: 'reviews', life: '5m' }, async (_ctx, id: string) => {
  await slowQuery();
  throw new Error(`Reviews service is down (product ${id})`);
});
