import { viewlet } from 'next-viewlet';
import { z } from 'zod';
import { userMark } from '@/lib/identity';
import './setup';

/** An island with a strict schema. */
export const suggest = viewlet(
  { name: 'suggest', vary: 'user', island: true, args: z.tuple([z.enum(['a', 'b'])]), life: '1h' },
  (ctx, kind: string) => <output data-viewlet="suggest" data-user={userMark(ctx.user)} data-kind={kind} />,
);

/** An island whose schema throws on input it did not expect (a refine that assumes an object). */
export const fragile = viewlet(
  {
    name: 'fragile',
    island: true,
    args: z.tuple([z.any()]).refine(([value]) => (value as { id: string }).id.length > 0),
    life: '1h',
  },
  (_ctx, value: unknown) => <output data-viewlet="fragile">{String((value as { id: string }).id)}</output>,
);
