import { Viewlet } from 'next-viewlet';
import { pagePath } from '@/viewlets/page-path';

/** Outside the proxy's matcher: path-varied viewlets here have no proven path and show their fallback. */
export default function Outside() {
  return (
    <>
      <h1>Outside the matcher</h1>
      <Viewlet of={pagePath} args={['1']} fallback={<output data-fallback="page-path" />} />
    </>
  );
}
