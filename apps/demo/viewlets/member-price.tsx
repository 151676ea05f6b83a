import { viewlet } from 'next-viewlet';
import { Stamp } from '@/components/stamp';
import { USERS, getProduct } from '@/lib/db';
import './setup';

/** Per user + path: a personal price on one product's page. */
export const memberPrice = viewlet(
  { name: 'member-price', vary: 'user+path', life: '5m', tags: (id: string) => [`product:${id}`], store: 'remote' },
  async (ctx, id: string) => {
    const product = await getProduct(id);
    if (!product) throw new Error(`Unknown product ${id}`);
    const user = ctx.user ? USERS[ctx.user] : undefined;
    return (
      <p data-viewlet="member-price" data-rendered-at={new Date().toISOString()} data-path={ctx.path} className="viewlet">
        {user ? (
          <span data-testid="member-price">
            {user.name}, your member price here: ${(product.price * (1 - user.discount)).toFixed(2)}
          </span>
        ) : (
          <span data-testid="member-price">Sign in for a member price.</span>
        )}
        <Stamp label="per user + path" />
      </p>
    );
  },
);
