import { viewlet } from 'next-viewlet';
import { Stamp } from '@/components/stamp';
import { listProducts, slowQuery } from '@/lib/db';
import './setup';

const revalidate = Number(process.env.DEMO_DEAL_REVALIDATE_S ?? 30);

/**
 * Short-lived and sitewide: after `revalidate` seconds the next visitor is
 * served the stale deal at once while a fresh one renders in the background.
 */
export const deal = viewlet(
  {
    name: 'deal',
    life: { stale: 0, revalidate: Number.isFinite(revalidate) && revalidate > 0 ? revalidate : 30, expire: '1h' },
    tags: ['deals'],
  },
  async () => {
    await slowQuery();
    const products = listProducts();
    const pick = products[Math.floor(Date.now() / 1000) % products.length]!;
    return (
      <p data-viewlet="deal" data-rendered-at={new Date().toISOString()} className="viewlet">
        Deal of the moment: <a href={`/products/${pick.id}`}>{pick.name}</a>
        <Stamp label="sitewide, refreshed in the background" />
      </p>
    );
  },
);
