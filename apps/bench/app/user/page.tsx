import { Viewlet } from 'next-viewlet';
import { userBlocks } from '@/viewlets/blocks';

/** 10 viewlets varying by the user of the bench-user cookie. */
export default function UserPage() {
  return (
    <main>
      {userBlocks.map((block) => (
        <Viewlet key={block.name} of={block} />
      ))}
    </main>
  );
}
