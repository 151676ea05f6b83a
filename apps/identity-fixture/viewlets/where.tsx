import { viewlet } from 'next-viewlet';
import { countRender } from '@/lib/renders';
import './setup';

/** Per path, in the root layout: on every page, also Next's not-found page. */
export const where = viewlet({ name: 'where', vary: 'path', life: 'forever' }, (ctx) => (
  <output data-viewlet="where" data-path={ctx.path} data-render={countRender(`where:${ctx.path}`)} />
));
