import { connection } from 'next/server';
import { Suspense } from 'react';
import { isAdmin } from '@/lib/admin';
import { readDashboardData } from './dashboard-data';
import { LiveDashboard } from './live-dashboard';

export default function DashboardPage() {
  return (
    <>
      <h1>Cache dashboard</h1>
      <p>
        This server process&apos;s counters since it started, updated live. A hit is a fresh entry, stale is an entry served while it
        re-renders in the background, a miss renders. <strong>Revalidate</strong> makes every entry of a viewlet stale (the next request is
        served the stale copy and re-renders it), <strong>expire</strong> makes the next request render, and <strong>refresh</strong>{' '}
        expires and re-renders it behind the scenes. The same numbers, for monitoring, are at <code>/api/viewlets/stats</code> (JSON or
        Prometheus text, with <code>Authorization: Bearer $VIEWLET_STATS_TOKEN</code>).
      </p>
      <Suspense fallback={<p className="skeleton">Reading counters…</p>}>
        <Live />
      </Suspense>
    </>
  );
}

async function Live() {
  // Counters are live: never prerendered.
  await connection();
  return <LiveDashboard initial={await readDashboardData()} admin={await isAdmin()} />;
}
