'use client';

/**
 * The dashboard's live part: polls the counters every 2 s through a Server
 * Action (no reload, no token in the browser), keeps the last few minutes for
 * the chart, and offers the three invalidations per viewlet.
 */
import { useActionState, useEffect, useMemo, useState } from 'react';
import { type InvalidateState, invalidateViewlet, readDashboard } from './actions';
import type { DashboardData, StoreRow, ViewletRow } from './dashboard-data';
import { appendSample, chartSeries } from './history';
import { TrafficChart } from './traffic-chart';
import styles from './dashboard.module.css';

/** The three invalidations a viewlet's row offers, as the actions name them. */
const INVALIDATIONS = [
  {
    intent: 'revalidate',
    label: 'Revalidate',
    title: 'Soft: stale now; the next request gets the stale copy and re-renders it in the background',
  },
  { intent: 'expire', label: 'Expire', title: 'Hard: expired now; the next request renders' },
  { intent: 'refresh', label: 'Refresh', title: 'Expired now and re-rendered behind the scenes' },
] as const;

/** Milliseconds between the end of one poll and the start of the next. */
const POLL_MS = 2_000;

const percent = (ratio: number | null) => (ratio === null ? '–' : `${Math.round(ratio * 100)}%`);
const ms = (seconds: number | null) => (seconds === null ? '–' : `${(seconds * 1000).toFixed(seconds < 0.01 ? 1 : 0)} ms`);
// UTC from the ISO string, so the server's and the browser's render agree.
const clock = (iso: string) => `${iso.slice(11, 19)} UTC`;

/** `admin`: whether this visitor may invalidate (the actions check it again on every call). */
export function LiveDashboard({ initial, admin }: { initial: DashboardData; admin: boolean }) {
  const [history, setHistory] = useState<DashboardData[]>([initial]);
  const [pollError, setPollError] = useState<string | null>(null);
  const [scope, setScope] = useState('');
  const [result, invalidate, invalidating] = useActionState<InvalidateState, FormData>(invalidateViewlet, { seq: 0 });

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      // A hidden tab is not looked at: skip the poll, try again later.
      if (!document.hidden) {
        try {
          const next = await readDashboard();
          if (stopped) return;
          setHistory((previous) => appendSample(previous, next));
          setPollError(null);
        } catch (error) {
          if (stopped) return;
          setPollError(error instanceof Error ? error.message : String(error));
        }
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  const data = history.at(-1) ?? initial;
  const series = useMemo(() => chartSeries(history, scope || null), [history, scope]);

  return (
    <>
      <p className={styles.meta}>
        Instance <code>{data.instanceId}</code>, counting since {clock(data.startedAt)} · updated{' '}
        <time dateTime={data.generatedAt} data-testid="updated">
          {clock(data.generatedAt)}
        </time>{' '}
        · every {POLL_MS / 1000} s
      </p>
      {pollError && (
        <p className="error" role="alert">
          Could not read the counters ({pollError}); trying again.
        </p>
      )}
      {!data.metricsEnabled && <p className="fallback">Per-viewlet metrics are off (VIEWLET_METRICS=off): only the store counters move.</p>}

      <h2>Stores</h2>
      <StoreTable stores={data.stores} />

      <h2>Over time</h2>
      <label className={styles.scope}>
        Chart
        <select value={scope} onChange={(event) => setScope(event.target.value)}>
          <option value="">all viewlets</option>
          {data.viewlets.map((v) => (
            <option key={v.name} value={v.name}>
              {v.name}
            </option>
          ))}
        </select>
      </label>
      <TrafficChart series={series} label={`Calls per second and render p95 (${scope || 'all viewlets'}), last ${history.length} polls`} />

      <h2>Viewlets</h2>
      {result.message && (
        <p className="notice" role="status" key={`m${result.seq}`}>
          {result.message}
        </p>
      )}
      {result.error && (
        <p className="error" role="alert" key={`e${result.seq}`}>
          {result.error}
        </p>
      )}
      {!admin && (
        <p className="notice" data-note="admin-only">
          Invalidating is for admins: <a href="/signin?as=ada">sign in as ada</a> to revalidate, expire or refresh a viewlet from here.
        </p>
      )}
      <ViewletTable
        viewlets={data.viewlets}
        windowSeconds={data.windowSeconds}
        invalidate={admin ? invalidate : undefined}
        busy={invalidating}
      />
    </>
  );
}

function StoreTable({ stores }: { stores: StoreRow[] }) {
  if (stores.length === 0) return <p>No store has been used by this instance yet.</p>;
  return (
    <table aria-label="Stores" className={styles.table}>
      <thead>
        <tr>
          <th>store</th>
          <th>hit ratio</th>
          <th>hit</th>
          <th>stale</th>
          <th>miss</th>
          <th>errors</th>
          <th>timeouts</th>
          <th>breaker</th>
          <th>pending invalidations</th>
        </tr>
      </thead>
      <tbody>
        {stores.map((s) => (
          <tr key={s.name} data-store={s.name}>
            <th scope="row">{s.name}</th>
            <td data-stat="hitRatio">{percent(s.hitRatio)}</td>
            <td data-stat="hit">{s.hit}</td>
            <td data-stat="stale">{s.stale}</td>
            <td data-stat="miss">{s.miss}</td>
            <td data-stat="error">{s.error}</td>
            <td data-stat="timeout">{s.timeout}</td>
            <td data-stat="breaker" data-state={s.breaker ?? 'none'}>
              {s.breaker ?? 'no handler'}
            </td>
            <td data-stat="pendingInvalidations">{s.pendingInvalidations}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface ViewletTableProps {
  viewlets: ViewletRow[];
  windowSeconds: number;
  /** Absent for a visitor who is no admin: no buttons. */
  invalidate: ((form: FormData) => void) | undefined;
  busy: boolean;
}

function ViewletTable({ viewlets, windowSeconds, invalidate, busy }: ViewletTableProps) {
  return (
    <table aria-label="Viewlets" className={styles.table}>
      <thead>
        <tr>
          <th>viewlet and policy</th>
          <th title="its cache kind (viewlet store option) and the store that kind uses on this instance">store</th>
          <th>hit ratio</th>
          <th>hit</th>
          <th>stale</th>
          <th>miss</th>
          <th>error</th>
          <th title={`over the last ${windowSeconds / 60} minutes`}>render p50</th>
          <th title={`over the last ${windowSeconds / 60} minutes`}>render p95</th>
          <th>invalidate</th>
        </tr>
      </thead>
      <tbody>
        {viewlets.map((v) => (
          <tr key={v.name} data-row={v.name}>
            <th scope="row">
              {v.name}
              <span className={styles.policy} data-stat="policy">
                {v.policy}
              </span>
            </th>
            <td data-stat="store" data-kind={v.kind ?? ''}>
              {v.kind ?? '?'}
              {v.store ? ` · ${v.store}` : ''}
            </td>
            <td data-stat="hitRatio">{percent(v.hitRatio)}</td>
            <td data-stat="hit">{v.hit}</td>
            <td data-stat="stale">{v.stale}</td>
            <td data-stat="miss">{v.miss}</td>
            <td data-stat="error">{v.error}</td>
            <td data-stat="p50">{ms(v.p50)}</td>
            <td data-stat="p95">{ms(v.p95)}</td>
            <td>
              {!v.cached ? (
                'never cached'
              ) : !invalidate ? (
                'admin only'
              ) : (
                <form action={invalidate} className={styles.actions}>
                  <input type="hidden" name="name" value={v.name} />
                  {INVALIDATIONS.map(({ intent, label, title }) => (
                    <button
                      key={intent}
                      type="submit"
                      name="intent"
                      value={intent}
                      disabled={busy}
                      aria-label={`${label} ${v.name}`}
                      title={title}
                    >
                      {label}
                    </button>
                  ))}
                </form>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
