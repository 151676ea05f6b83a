import { Viewlet } from 'next-viewlet';
import { orderHistory } from '@/viewlets/order-history';

export default function OrdersPage() {
  return (
    <>
      <h1>Your orders</h1>
      <Viewlet of={orderHistory} fallback={<p className="skeleton">Loading your orders…</p>} />
    </>
  );
}
