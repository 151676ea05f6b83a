import { viewlet } from 'next-viewlet';
import { Stamp } from '@/components/stamp';
import { USERS, slowQuery } from '@/lib/db';
import { archive } from './archive-cache';
import './setup';

/** Per user, on the custom `archive` cache kind (see archive-cache.ts). */
export const orderHistory = viewlet({ name: 'order-history', vary: 'user', life: '1d', tags: ['orders'], store: archive }, async (ctx) => {
  await slowQuery();
  const user = ctx.user ? USERS[ctx.user] : undefined;
  return (
    <section data-viewlet="order-history" data-rendered-at={new Date().toISOString()} className="viewlet">
      {user ? `${user.name}'s past orders: 2 espresso cups, 1 moka pot` : 'Sign in to see your past orders'}
      <Stamp label="per user, archive store" />
    </section>
  );
});
