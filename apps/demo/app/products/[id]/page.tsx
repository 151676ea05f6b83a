import { notFound } from 'next/navigation';
import { Viewlet, ViewletIsland } from 'next-viewlet';
import { isProductId, productIds } from '@/lib/db';
import { breadcrumbs } from '@/viewlets/breadcrumbs';
import { memberPrice } from '@/viewlets/member-price';
import { productTeaser } from '@/viewlets/product-teaser';
import { recommendations } from '@/viewlets/recommendations';
import { reviews } from '@/viewlets/reviews';
import { stockLevel } from '@/viewlets/stock-level';

export function generateStaticParams() {
  return productIds().map((id) => ({ id }));
}

export default async function ProductPage({ params }: PageProps<'/products/[id]'>) {
  const { id } = await params;
  if (!isProductId(id)) notFound();
  return (
    <>
      <Viewlet of={breadcrumbs} />
      <Viewlet of={productTeaser} args={[id]} fallback={<p className="skeleton">Loading product…</p>} />
      <Viewlet of={memberPrice} args={[id]} fallback={<p className="skeleton">Loading your price…</p>} />
      <Viewlet of={stockLevel} args={[id]} fallback={<p className="skeleton">Checking stock…</p>} />
      <h2>More for you</h2>
      <ViewletIsland
        of={recommendations}
        args={[id]}
        when="visible"
        refreshLabel="Refresh suggestions"
        fallback={<p className="skeleton">Loading suggestions…</p>}
      />
      <h2>Reviews</h2>
      <Viewlet
        of={reviews}
        args={[id]}
        fallback={
          <p className="fallback" data-viewlet-fallback="reviews">
            Reviews are unavailable right now.
          </p>
        }
      />
    </>
  );
}
