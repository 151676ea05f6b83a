import { Viewlet } from 'next-viewlet';
import { sitewideBlocks } from '@/viewlets/blocks';

/** Fully cached: 10 sitewide viewlets, nothing per visitor. */
export default function CachedPage() {
  return (
    <main>
      {sitewideBlocks.map((block) => (
        <Viewlet key={block.name} of={block} />
      ))}
    </main>
  );
}
