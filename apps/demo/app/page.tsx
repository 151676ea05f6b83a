import { Viewlet } from 'next-viewlet';
import { productIds } from '@/lib/db';
import { breadcrumbs } from '@/viewlets/breadcrumbs';
import { deal } from '@/viewlets/deal';
import { greeting } from '@/viewlets/greeting';
import { productTeaser } from '@/viewlets/product-teaser';

export default function Home() {
  return (
    <>
      <Viewlet of={breadcrumbs} />
      <Viewlet of={greeting} fallback={<h1>Demo shop</h1>} />
      <p>
        Each viewlet below costs a slow query on a miss. The product teasers vary by path: the same teaser has one entry here and another on
        the product&apos;s own page.
      </p>
      <Viewlet of={deal} fallback={<p className="skeleton">Finding a deal…</p>} />
      <div className="teasers">
        {productIds().map((id) => (
          <Viewlet key={id} of={productTeaser} args={[id]} fallback={<p className="skeleton">Loading product…</p>} />
        ))}
      </div>
    </>
  );
}
