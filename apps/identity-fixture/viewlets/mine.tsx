import { viewlet } from 'next-viewlet';
import { z } from 'zod';
import { userMark } from '@/lib/identity';
import './setup';

/** Per user and path. */
export const mine = viewlet(
  { name: 'mine', vary: 'user+path', life: '1h', args: z.tuple([z.enum(['1', '2', '3'])]) },
  (ctx, id: string) => <output data-viewlet="mine" data-user={userMark(ctx.user)} data-path={ctx.path} data-id={id} />,
);
