'use server';
/**
 * The Server Action behind `<ViewletIsland>`. The browser names the viewlet and
 * gives args; the server checks both, takes the visitor's identity from the
 * request (never from the browser), and renders from the cache.
 */
import { isViewletError } from '../core/errors.ts';
import { resolveIsland } from '../core/island.ts';
import { renderViewlet } from './render-viewlet.ts';
import { reportViewletError } from './report-error.ts';

/** The island action's answer: the rendered node, or a code and a message (never a stack) for the browser. */
export type IslandResult = { ok: true; node: unknown } | { ok: false; code: string; message: string };

export async function loadViewletIsland(name: unknown, args: unknown): Promise<IslandResult> {
  let definitionName = typeof name === 'string' ? name.slice(0, 100) : '(invalid)';
  try {
    const { definition, args: canonical } = await resolveIsland(name, args);
    definitionName = definition.name;
    const node = await renderViewlet(definition, canonical);
    return { ok: true, node };
  } catch (error) {
    if (isViewletError(error, 'E_NOT_ISLAND') || isViewletError(error, 'E_INVALID_ARGS')) {
      return { ok: false, code: error.code, message: error.message };
    }
    reportViewletError(definitionName, error);
    return { ok: false, code: 'E_RENDER_FAILED', message: `island "${definitionName}" could not be rendered.` };
  }
}
