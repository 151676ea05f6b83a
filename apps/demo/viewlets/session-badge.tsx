import { viewlet } from 'next-viewlet';
import { Stamp } from '@/components/stamp';
import { slowQuery } from '@/lib/db';
import './setup';

/** Per session: one entry per browser session (the demo proxy issues the cookie). */
export const sessionBadge = viewlet({ name: 'session-badge', vary: 'session', life: '1h', store: 'remote' }, async (ctx) => {
  await slowQuery();
  return (
    <p data-viewlet="session-badge" data-rendered-at={new Date().toISOString()} className="viewlet">
      {ctx.session ? `Session ${ctx.session.slice(0, 6)}…, first seen ${new Date().toLocaleTimeString('en-GB')}` : 'No session'}
      <Stamp label="per session" />
    </p>
  );
});
