import { viewlet } from 'next-viewlet';
import { Stamp } from '@/components/stamp';
import { slowQuery } from '@/lib/db';
import './setup';

/** Per path: built from the request path alone, so it can be cached forever. */
export const breadcrumbs = viewlet({ name: 'breadcrumbs', vary: 'path', life: 'forever' }, async (ctx) => {
  await slowQuery();
  const parts = (ctx.path ?? '/').split('/').filter(Boolean);
  return (
    <ol data-viewlet="breadcrumbs" data-rendered-at={new Date().toISOString()} data-path={ctx.path} className="viewlet crumbs">
      <li>
        <a href="/">Home</a>
      </li>
      {parts.map((part, i) => {
        const href = `/${parts.slice(0, i + 1).join('/')}`;
        return (
          <li key={href}>
            <a href={href}>{decodeURIComponent(part)}</a>
          </li>
        );
      })}
      <Stamp label="per path" />
    </ol>
  );
});
