import { connection } from 'next/server';
import { Suspense } from 'react';
import { viewletReport } from '@/lib/viewlet-stats';

export default function DashboardPage() {
  return (
    <>
      <h1>Cache dashboard</h1>
      <p>
        Counters of this server process since it started (also as JSON or Prometheus text at <code>/api/viewlets/stats</code>, with{' '}
        <code>Authorization: Bearer $VIEWLET_STATS_TOKEN</code>). A hit is a fresh entry, stale is an entry served while it re-renders in
        the background, a miss renders.
      </p>
      <Suspense fallback={<p className="skeleton">Reading counters…</p>}>
        <Report />
      </Suspense>
    </>
  );
}

async function Report() {
  await connection();
  const { stores, viewlets } = viewletReport();
  return (
    <>
      <h2>Stores</h2>
      <table aria-label="Stores">
        <thead>
          <tr>
            <th>store</th>
            <th>hit</th>
            <th>stale</th>
            <th>miss</th>
            <th>error</th>
            <th>set</th>
            <th>not stored</th>
            <th>hit ratio</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(stores).map(([name, s]) => (
            <tr key={name} data-store={name}>
              <td>{name}</td>
              <td data-stat="hit">{s.hit}</td>
              <td data-stat="stale">{s.stale}</td>
              <td data-stat="miss">{s.miss}</td>
              <td data-stat="error">{s.error}</td>
              <td data-stat="set">{s.set}</td>
              <td data-stat="skip">{s.skip}</td>
              <td>{s.hit + s.stale + s.miss > 0 ? `${Math.round((100 * (s.hit + s.stale)) / (s.hit + s.stale + s.miss))}%` : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Viewlets</h2>
      <table aria-label="Viewlets">
        <thead>
          <tr>
            <th>name</th>
            <th>vary</th>
            <th>life</th>
            <th>mode</th>
            <th>island</th>
          </tr>
        </thead>
        <tbody>
          {viewlets.map((v) => (
            <tr key={v.name}>
              <td>{v.name}</td>
              <td>{v.vary}</td>
              <td>{v.life}</td>
              <td>{v.mode}</td>
              <td>{v.island ? 'yes' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
