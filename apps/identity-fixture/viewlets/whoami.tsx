import { viewlet } from 'next-viewlet';
import { userMark } from '@/lib/identity';
import { countRender } from '@/lib/renders';
import './setup';

/** Per user: whose entry this is, and how often this process rendered it. */
export const whoami = viewlet({ name: 'whoami', vary: 'user', life: '1h' }, (ctx) => (
  <output data-viewlet="whoami" data-user={userMark(ctx.user)} data-render={countRender(`whoami:${userMark(ctx.user)}`)} />
));
