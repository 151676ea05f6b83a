import { Suspense } from 'react';
import { Viewlet } from 'next-viewlet';
import { sitewideBlocks } from '@/viewlets/blocks';
import { ticker } from '@/viewlets/ticker';
import { RequestStamp } from './request-stamp';

/** A viewlet going stale every second next to three cached ones. */
export default function StalePage() {
  return (
    <main>
      <Suspense>
        <RequestStamp />
      </Suspense>
      <Viewlet of={ticker} />
      {sitewideBlocks.slice(0, 3).map((block) => (
        <Viewlet key={block.name} of={block} />
      ))}
    </main>
  );
}
