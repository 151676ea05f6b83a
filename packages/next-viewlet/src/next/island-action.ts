'use server';
/**
 * The Server Action behind `<ViewletIsland>`. The browser names the viewlet and
 * gives args; the server checks both (a refusal is an answer, counted against
 * the client's budget, never a crash or a log line per call), takes the
 * visitor's identity from the request (never from the browser), and renders
 * from the cache.
 */
import { admitIsland } from '../core/island.ts';
import { getSettings, type RequestSnapshot } from '../core/settings.ts';
import { renderViewlet } from './render-viewlet.ts';
import { reportViewletError } from './report-error.ts';
import { requestSnapshot } from './resolve-vary.ts';

/** The island action's answer: the rendered node, or a code and a message (never a stack) for the browser. */
export type IslandResult = { ok: true; node: unknown } | { ok: false; code: string; message: string };

function clientOf(request: RequestSnapshot): string {
  const { clientKey } = getSettings();
  try {
    if (clientKey) return String(clientKey(request)) || 'unknown';
  } catch {
    return 'unknown';
  }
  return request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || 'unknown';
}

export async function loadViewletIsland(name: unknown, args: unknown): Promise<IslandResult> {
  const { maxRefusalsPerMinute } = getSettings();
  const admission = await admitIsland(name, args, clientOf(await requestSnapshot()), {
    ...(maxRefusalsPerMinute !== undefined && { maxRefusalsPerMinute }),
  });
  if (!admission.ok) return admission;
  const { definition, args: canonical } = admission;
  try {
    return { ok: true, node: await renderViewlet(definition, canonical) };
  } catch (error) {
    reportViewletError(definition.name, error);
    return { ok: false, code: 'E_RENDER_FAILED', message: `island "${definition.name}" could not be rendered.` };
  }
}
