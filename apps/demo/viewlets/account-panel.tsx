import { viewlet } from 'next-viewlet';
import { Stamp } from '@/components/stamp';
import { USERS, slowQuery } from '@/lib/db';
import './setup';

/** Per user: each signed-in user has an entry; all anonymous visitors share one. */
export const accountPanel = viewlet(
  { name: 'account-panel', vary: 'user', life: '10m', tags: ['accounts'], store: 'remote' },
  async (ctx) => {
    await slowQuery();
    const user = ctx.user ? USERS[ctx.user] : undefined;
    return (
      <section data-viewlet="account-panel" data-rendered-at={new Date().toISOString()} className="viewlet account">
        {user ? (
          <>
            <span data-testid="account-name">Signed in as {user.name}</span> · <a href="/signout">Sign out</a>
          </>
        ) : (
          <>
            <span data-testid="account-name">Anonymous</span> · sign in as <a href="/signin?as=alice">Alice</a> or{' '}
            <a href="/signin?as=bob">Bob</a>
          </>
        )}
        <Stamp label="per user" />
      </section>
    );
  },
);
