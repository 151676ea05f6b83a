import { viewlet } from 'next-viewlet';
import { Stamp } from '@/components/stamp';
import { getProduct } from '@/lib/db';
import './setup';

/** Data mode: only the stock query is cached; the markup is rendered on every request. */
export const stockLevel = viewlet(
  {
    name: 'stock-level',
    life: '1m',
    tags: (id: string) => [`product:${id}`, 'stock'],
    load: async (_ctx, id: string) => {
      const product = await getProduct(id);
      return { stock: product?.stock ?? 0, loadedAt: new Date().toISOString() };
    },
  },
  (ctx) => (
    <p data-viewlet="stock-level" data-rendered-at={new Date().toISOString()} data-loaded-at={ctx.data.loadedAt} className="viewlet">
      {ctx.data.stock > 0 ? `${ctx.data.stock} in stock` : 'Out of stock'}
      <Stamp label="data only" verb="loaded" at={ctx.data.loadedAt}>
        , rendered now
      </Stamp>
    </p>
  ),
);
