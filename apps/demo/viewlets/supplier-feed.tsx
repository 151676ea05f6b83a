import { viewlet } from 'next-viewlet';
import { Stamp } from '@/components/stamp';
import { slowQuery } from '@/lib/db';
import { readSupplierFeed } from '@/lib/supplier';
import './setup';

const revalidate = Number(process.env.DEMO_SUPPLIER_REVALIDATE_S ?? 30);

/**
 * Stale-if-error: when its source fails during a background re-render, visitors
 * keep the last good copy (until `expire`), and the next re-render waits for a
 * back-off. Only with no copy left (first render, or after an expire) do they
 * see the fallback.
 */
export const supplierFeed = viewlet(
  {
    name: 'supplier-feed',
    vary: 'path',
    life: { stale: 0, revalidate: Number.isFinite(revalidate) && revalidate > 0 ? revalidate : 30, expire: '1h' },
    tags: ['supplier'],
  },
  async () => {
    await slowQuery();
    const feed = readSupplierFeed();
    return (
      <p data-viewlet="supplier-feed" data-rendered-at={new Date().toISOString()} className="viewlet">
        {feed.delivery}
        <Stamp label="from a flaky source, stale if it fails" />
      </p>
    );
  },
);
