import { getIsrData } from '../shell-data';

/** An ISR-style page: its data revalidates every 2 s, and one instance of the cluster regenerates it. */
export default async function ShellIsrPage() {
  const data = await getIsrData();
  return (
    <section data-testid="shell-isr" data-generated-at={data.generatedAt}>
      <h1>Shell (ISR)</h1>
      <p>Data generated at {data.generatedAt}</p>
    </section>
  );
}
