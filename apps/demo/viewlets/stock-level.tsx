import { viewlet } from 'next-viewlet';
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
      <small className="stamp">data only · loaded {new Date(ctx.data.loadedAt).toLocaleTimeString('en-GB')}, rendered now</small>
    </p>
  ),
);
