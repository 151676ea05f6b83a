import { viewlet } from 'next-viewlet';
import { filler, renderCost } from '@/lib/render-cost';
import './setup';

/** How many viewlets the /cached and /user pages render. */
export const BLOCKS = 10;

/** Ten sitewide viewlets: one entry each for every visitor. */
export const sitewideBlocks = Array.from({ length: BLOCKS }, (_, i) =>
  viewlet({ name: `sitewide-${i}`, life: { revalidate: '1h', expire: '1d' } }, async () => {
    await renderCost(`sitewide-${i}`);
    return (
      <section data-viewlet={`sitewide-${i}`} data-rendered-at={Date.now()}>
        <h2>Block {i}</h2>
        <p>{filler(1024)}</p>
      </section>
    );
  }),
);

/** Ten viewlets varying by user: one entry each per user. */
export const userBlocks = Array.from({ length: BLOCKS }, (_, i) =>
  viewlet({ name: `user-${i}`, vary: 'user', life: { revalidate: '1h', expire: '1d' } }, async (ctx) => {
    await renderCost(`user-${i}`);
    return (
      <section data-viewlet={`user-${i}`} data-user={ctx.user ?? 'anonymous'} data-rendered-at={Date.now()}>
        <h2>
          Block {i} for {ctx.user ?? 'anonymous'}
        </h2>
        <p>{filler(1024)}</p>
      </section>
    );
  }),
);
