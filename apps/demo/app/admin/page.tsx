import { Viewlet } from 'next-viewlet';
import { listProducts, productIds } from '@/lib/db';
import { breadcrumbs } from '@/viewlets/breadcrumbs';
import { productTeaser } from '@/viewlets/product-teaser';
import { PriceForm } from './price-form';

export default function AdminPage() {
  return (
    <>
      <Viewlet of={breadcrumbs} />
      <h1>Admin</h1>
      <p>
        Saving a price calls <code>refreshViewlet()</code>: you see the new price at once, and the product&apos;s teasers are re-rendered
        behind the scenes, so the next visitor of the product page gets a cache hit.
      </p>
      <PriceForm products={listProducts().map(({ id, name }) => ({ id, name }))} />
      <h2>Preview</h2>
      <div className="teasers">
        {productIds().map((id) => (
          <Viewlet key={id} of={productTeaser} args={[id]} fallback={<p className="skeleton">Loading product…</p>} />
        ))}
      </div>
    </>
  );
}
