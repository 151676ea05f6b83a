import type { ReactNode } from 'react';
import { Viewlet } from 'next-viewlet';
import { where } from '@/viewlets/where';

export const metadata = { title: 'next-viewlet identity fixture' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header>
          <Viewlet of={where} fallback={<output data-fallback="where" />} />
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
