import { recommendations } from '@/viewlets/recommendations';
import { siteNav } from '@/viewlets/site-nav';
import { IslandPlayground } from './playground';

// Both definitions are imported so the Server Action can find them by name:
// `recommendations` is an island, `site-nav` is not and must be refused.
const known = [recommendations.name, siteNav.name];

export default function IslandsPage() {
  return (
    <>
      <h1>Islands</h1>
      <p>
        An island is a viewlet the browser loads after the page through a Server Action. Only viewlets marked <code>island: true</code> can
        be loaded, their args must pass the viewlet&apos;s schema, and the visitor&apos;s identity comes from the server. Try a name and
        args below, like a curious client would.
      </p>
      <p>Viewlets on this page: {known.join(', ')}.</p>
      <IslandPlayground />
    </>
  );
}
