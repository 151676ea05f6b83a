import { Viewlet } from 'next-viewlet';
import { supplierFeed } from '@/viewlets/supplier-feed';

export default function SupplierPage() {
  return (
    <>
      <h1>Supplier</h1>
      <Viewlet of={supplierFeed} fallback={<p data-fallback="supplier-feed">The supplier feed is unavailable right now.</p>} />
    </>
  );
}
