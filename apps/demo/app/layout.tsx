import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Viewlet } from 'next-viewlet';
import { accountPanel } from '@/viewlets/account-panel';
import { sessionBadge } from '@/viewlets/session-badge';
import { siteNav } from '@/viewlets/site-nav';
import './globals.css';

export const metadata: Metadata = {
  title: 'next-viewlet demo shop',
  description: 'Cached fragments of React Server Component pages, kept fresh without making visitors wait.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header>
          <Viewlet of={siteNav} fallback={<nav className="skeleton">Loading navigation…</nav>} />
          <Viewlet of={accountPanel} fallback={<section className="skeleton">Loading account…</section>} />
        </header>
        <main>{children}</main>
        <Viewlet of={sessionBadge} />
        <footer>
          Every box with a time stamp is a viewlet. Reload: the stamps stay the same (a cache hit). Sign in as another user or open another
          page to see per-user and per-path variants.
        </footer>
      </body>
    </html>
  );
}
