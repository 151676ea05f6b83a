import { viewlet } from 'next-viewlet';
import { Stamp } from '@/components/stamp';
import { getProduct } from '@/lib/db';
import './setup';

/**
 * Per path: the same product teaser reads "Now viewing" on its own page and
 * "See product" elsewhere, so each path has its own entry.
 */
export const productTeaser = viewlet(
  { name: 'product-teaser', vary: 'path', life: { revalidate: '5m', expire: '1d' }, tags: (id: string) => [`product:${id}`] },
  async (ctx, id: string) => {
    const product = await getProduct(id);
    if (!product) throw new Error(`Unknown product ${id}`);
    const here = ctx.path === `/products/${id}`;
    return (
      <article
        data-viewlet="product-teaser"
        data-rendered-at={new Date().toISOString()}
        data-product={id}
        data-path={ctx.path}
        className="viewlet teaser"
      >
        <h3>{product.name}</h3>
        <p>
          <span data-testid="price">${product.price.toFixed(2)}</span> ·{' '}
          {here ? 'Now viewing' : <a href={`/products/${id}`}>See product</a>}
        </p>
        <Stamp label="per path" />
      </article>
    );
  },
);
