'use server';

/**
 * The dashboard's Server Actions: the live counters it polls, and the three
 * invalidations of one viewlet.
 *
 * Who may call them: anyone may read the counters (they are read in process,
 * so the stats token stays on the server); only a signed-in admin may
 * invalidate. The check runs in the action itself, not only where the buttons
 * are drawn: a Server Action is a public endpoint, and a form can be sent
 * without the page (see docs/warm-and-observe.md#the-dashboard).
 */
import { type AnyViewlet, describeError, expireViewlet, findViewlet, refreshViewlet, revalidateViewlet } from 'next-viewlet';
import '@/viewlets';
import { ADMIN_USER, isAdmin } from '@/lib/admin';
import { type DashboardData, readDashboardData } from './dashboard-data';

/** This process's counters, for the dashboard's poll. */
export async function readDashboard(): Promise<DashboardData> {
  return readDashboardData();
}

// A 'use server' module exports only async functions (and types).
const INTENTS = ['revalidate', 'expire', 'refresh'] as const;
type Intent = (typeof INTENTS)[number];

export interface InvalidateState {
  /** Counts answers, so the page can tell a repeated identical answer from the last one. */
  seq: number;
  /** What was done, in words. */
  message?: string;
  /** Why nothing was done. */
  error?: string;
}

const isIntent = (value: unknown): value is Intent => typeof value === 'string' && (INTENTS as readonly string[]).includes(value);

/** Revalidates, expires or refreshes every entry of the viewlet named in the form (`name`, `intent`). */
export async function invalidateViewlet(previous: InvalidateState, form: FormData): Promise<InvalidateState> {
  const seq = previous.seq + 1;
  if (!(await isAdmin())) return { seq, error: `Only an admin may invalidate: sign in as ${ADMIN_USER} (/signin?as=${ADMIN_USER}).` };
  const name = form.get('name');
  const intent = form.get('intent');
  if (!isIntent(intent)) return { seq, error: `Unknown action "${String(intent ?? '').slice(0, 20)}"; use ${INTENTS.join(', ')}.` };
  const definition = typeof name === 'string' ? findViewlet(name) : undefined;
  if (!definition) return { seq, error: `No viewlet named "${String(name ?? '').slice(0, 40)}" is loaded.` };
  if (definition.life.kind === 'none') return { seq, error: `${definition.name} is never cached: there is nothing to invalidate.` };
  try {
    if (intent === 'revalidate') {
      const { tags } = await revalidateViewlet(definition);
      return {
        seq,
        message: `Revalidated ${definition.name} (tag ${tags.join(', ')}): every entry is stale now; the next request for each gets the stale copy and re-renders it in the background.`,
      };
    }
    if (intent === 'expire') {
      const { tags } = await expireViewlet(definition);
      return { seq, message: `Expired ${definition.name} (tag ${tags.join(', ')}): the next request for each entry renders it.` };
    }
    const { tags } = await refreshViewlet(definition);
    return { seq, message: `Refreshed ${definition.name} (tag ${tags.join(', ')}): ${refreshOutcome(definition)}` };
  } catch (error) {
    return { seq, error: `Could not ${intent} ${definition.name}: ${describeError(error)}` };
  }
}

// What refreshViewlet() without args re-renders: a viewlet whose render takes
// no args, in the variant of this request (the dashboard's visitor and path).
function refreshOutcome(definition: AnyViewlet): string {
  const render = definition.mode === 'data' ? definition.load : definition.render;
  if (typeof render === 'function' && render.length > 1) {
    return 'every entry is expired; its render takes arguments, so each entry renders on its next request (refresh one product from /admin).';
  }
  if (definition.vary === 'sitewide') return 'expired, and re-rendered behind the scenes: the next visitor gets a cache hit.';
  return "every entry is expired, and this request's variant is re-rendered behind the scenes; other variants render on their next request.";
}
