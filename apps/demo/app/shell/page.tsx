import { getShellData } from './shell-data';

/** A prerendered page whose content comes from a `'use cache'` function tagged `shell-data`. */
export default async function ShellPage() {
  const data = await getShellData();
  return (
    <section data-testid="shell" data-generated-at={data.generatedAt}>
      <h1>Shell</h1>
      <p>Prerendered at build; purge the tag shell-data and every instance serves a new copy.</p>
      <p>Data generated at {data.generatedAt}</p>
    </section>
  );
}
