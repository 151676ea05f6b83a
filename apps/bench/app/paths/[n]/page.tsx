import { Viewlet } from 'next-viewlet';
import { pathCrumb } from '@/viewlets/path-crumb';

/**
 * A path-varied viewlet: each distinct path adds a variant and Next's
 * `_N_T_/paths/<n>` soft tag. No generateStaticParams: with it, Next would
 * prerender every new path on demand and serve later views as a static page,
 * which is not what the benchmark measures (a page rendered per request).
 */
export default function PathPage() {
  return (
    <main>
      <Viewlet of={pathCrumb} />
    </main>
  );
}
