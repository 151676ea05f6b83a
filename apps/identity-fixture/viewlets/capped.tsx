import { viewlet } from 'next-viewlet';
import { countRender } from '@/lib/renders';
import './setup';

/** Per path, but this process caches at most two of its variants. */
export const capped = viewlet({ name: 'capped', vary: 'path', life: 'forever', maxVariantsPerInstance: 2 }, (ctx) => (
  <output data-viewlet="capped" data-path={ctx.path} data-render={countRender(`capped:${ctx.path}`)} />
));
