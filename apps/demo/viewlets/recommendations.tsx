import { viewlet } from 'next-viewlet';
import { Stamp } from '@/components/stamp';
import { z } from 'zod';
import { PRODUCT_IDS, type ProductId, USERS, listProducts, slowQuery } from '@/lib/db';
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
    args: z.tuple([z.enum(PRODUCT_IDS)]),
    life: '2m',
    tags: (id: ProductId) => [`product:${id}`],
    store: 'remote',
  },
  async (ctx, id: ProductId) => {
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
        <Stamp label="island, per user" />
      </aside>
    );
  },
);
