import { Viewlet } from 'next-viewlet';
import { whoami } from '@/viewlets/whoami';

export default function Home() {
  return (
    <>
      <h1>Identity fixture</h1>
      <Viewlet of={whoami} fallback={<output data-fallback="whoami" />} />
    </>
  );
}
