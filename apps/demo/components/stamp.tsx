import type { ReactNode } from 'react';

export interface StampProps {
  /** What the viewlet varies by, e.g. `'per path'`. */
  label: string;
  /** What happened at `at`. @default 'rendered' */
  verb?: 'rendered' | 'loaded';
  /** When it happened (a Date, an ISO string or ms). @default now */
  at?: Date | string | number;
  /** Said after the time, e.g. `', rendered now'`. */
  children?: ReactNode;
}

/**
 * The visible time stamp of a viewlet: what splits its entries and when it was
 * rendered. The time is part of the cached output, so a reload that shows the
 * same time was a cache hit.
 */
export function Stamp({ label, verb = 'rendered', at = new Date(), children }: StampProps): ReactNode {
  return (
    <small className="stamp">
      {label} · {verb} {new Date(at).toLocaleTimeString('en-GB')}
      {children}
    </small>
  );
}
