import { notFound } from 'next/navigation';
import { Viewlet, ViewletIsland } from 'next-viewlet';
import { capped } from '@/viewlets/capped';
import { suggest } from '@/viewlets/islands';
import { mine } from '@/viewlets/mine';
import { pagePath } from '@/viewlets/page-path';
import { whoami } from '@/viewlets/whoami';

const IDS = ['1', '2', '3'] as const;

export function generateStaticParams() {
  return IDS.map((id) => ({ id }));
}

export default async function ProductPage({ params }: PageProps<'/p/[id]'>) {
  const { id } = await params;
  if (!(IDS as readonly string[]).includes(id)) notFound();
  return (
    <>
      <h1>Page {id}</h1>
      <Viewlet of={pagePath} args={[id]} fallback={<output data-fallback="page-path" />} />
      <Viewlet of={mine} args={[id as (typeof IDS)[number]]} fallback={<output data-fallback="mine" />} />
      <Viewlet of={whoami} fallback={<output data-fallback="whoami" />} />
      <Viewlet of={capped} fallback={<output data-fallback="capped" />} />
      <ViewletIsland of={suggest} args={['a']} when="manual" fallback={<p>Suggestions load on demand.</p>} />
    </>
  );
}
