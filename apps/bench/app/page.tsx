export default function Home() {
  return (
    <ul>
      <li>
        <a href="/cached">/cached</a>: 10 sitewide viewlets
      </li>
      <li>
        <a href="/user">/user</a>: 10 viewlets per user (cookie bench-user=u1)
      </li>
      <li>
        <a href="/stale">/stale</a>: a viewlet stale every second, and 3 cached ones
      </li>
      <li>
        <a href="/paths/1">/paths/1</a>: a viewlet per path
      </li>
      <li>
        <a href="/api/renders">/api/renders</a>: renders per viewlet in this process
      </li>
    </ul>
  );
}
