import { viewlet } from 'next-viewlet';
import { countRender, version } from '@/lib/renders';
import './setup';

/** Per path, with data a refresh changes and a render count per path. */
export const pagePath = viewlet(
  { name: 'page-path', vary: 'path', life: 'forever', tags: (id: string) => [`p:${id}`] },
  (ctx, id: string) => (
    <output data-viewlet="page-path" data-path={ctx.path} data-version={version(id)} data-render={countRender(`page-path:${ctx.path}`)} />
  ),
);
