import { viewlet } from 'next-viewlet';
import { filler, renderCost } from '@/lib/render-cost';
import './setup';

const bytes = Number(process.env.BENCH_VARIANT_BYTES ?? 2048);

/** One entry per request path: every distinct path is a new variant (and a new `_N_T_<path>` soft tag). */
export const pathCrumb = viewlet({ name: 'path-crumb', vary: 'path', life: 'forever' }, async (ctx) => {
  await renderCost('path-crumb');
  return (
    <nav data-viewlet="path-crumb" data-path={ctx.path} data-rendered-at={Date.now()}>
      {ctx.path}
      <p>{filler(Number.isFinite(bytes) && bytes >= 0 ? bytes : 2048)}</p>
    </nav>
  );
});
