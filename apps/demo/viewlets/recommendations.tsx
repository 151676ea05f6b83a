import { viewlet } from 'next-viewlet';
import { z } from 'zod';
import { USERS, listProducts, slowQuery } from '@/lib/db';
import './setup';

/**
 * An island: loaded by the browser after the page, per user. Its args come
 * from the browser, so they are checked by a schema on the server.
 */
export const recommendations = viewlet(
  {
    name: 'recommendations',
    vary: 'user',
    island: true,
    args: z.tuple([z.enum(['1', '2', '3'])]),
    life: '2m',
    tags: (id: string) => [`product:${id}`],
  },
  async (ctx, id: string) => {
    await slowQuery();
    const user = ctx.user ? USERS[ctx.user]?.name : undefined;
    const others = listProducts().filter((p) => p.id !== id);
    return (
      <aside data-viewlet="recommendations" data-rendered-at={new Date().toISOString()} className="viewlet">
        <strong>{user ? `${user}, you may also like` : 'You may also like'}:</strong>{' '}
        {others.map((p) => (
          <a key={p.id} href={`/products/${p.id}`} style={{ marginRight: '.5rem' }}>
            {p.name}
          </a>
        ))}
        <small className="stamp">island, per user · rendered {new Date().toLocaleTimeString('en-GB')}</small>
      </aside>
    );
  },
);
