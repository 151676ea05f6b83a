'use server';
import { refreshViewlet } from 'next-viewlet';
import { bumpVersion } from '@/lib/renders';
import { pagePath } from '@/viewlets/page-path';

/** Changes page 1's data and refreshes its viewlet for the page's path, given as the app route (no basePath, no slash). */
export async function bump(form: FormData) {
  const id = String(form.get('id'));
  bumpVersion(id);
  await refreshViewlet(pagePath, [id], { variants: [{ path: `/p/${id}` }] });
}
