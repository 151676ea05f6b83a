import { viewlet } from 'next-viewlet';
import { renderCost } from '@/lib/render-cost';
import './setup';

/**
 * Goes stale every second and may be served stale for an hour: every second,
 * one request finds it stale and a re-render starts. The benchmark counts the
 * requests that waited for that render.
 */
export const ticker = viewlet({ name: 'ticker', life: { stale: 0, revalidate: 1, expire: '1h' } }, async () => {
  await renderCost('ticker');
  return (
    <p data-viewlet="ticker" data-rendered-at={Date.now()}>
      Rendered at {new Date().toISOString()}
    </p>
  );
});
