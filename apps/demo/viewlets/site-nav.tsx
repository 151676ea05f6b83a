import { viewlet } from 'next-viewlet';
import { Stamp } from '@/components/stamp';
import { slowQuery } from '@/lib/db';
import './setup';

/** Sitewide: one entry for every visitor and page. */
export const siteNav = viewlet({ name: 'site-nav', vary: 'sitewide', life: 'navigation', tags: ['nav'] }, async () => {
  await slowQuery();
  return (
    <nav data-viewlet="site-nav" data-rendered-at={new Date().toISOString()} className="viewlet">
      <a href="/">Shop</a> · <a href="/products/1">Espresso cup</a> · <a href="/products/2">Moka pot</a> ·{' '}
      <a href="/products/3">Milk jug</a> · <a href="/admin">Admin</a> · <a href="/islands">Islands</a> · <a href="/dashboard">Dashboard</a>
      <Stamp label="sitewide" />
    </nav>
  );
});
