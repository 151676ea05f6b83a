// Every viewlet of the demo, for routes that name viewlets at run time (the revalidation webhook).
// The typical split: sitewide and per-path viewlets (cheap, the same for everyone) stay on the
// `default` kind, in each instance's memory; per-user and per-session ones (many variants, each
// expensive) use `store: 'remote'`, shared in Redis when VIEWLET_REMOTE_STORE_URL is set.
export { accountPanel } from './account-panel';
export { breadcrumbs } from './breadcrumbs';
export { deal } from './deal';
export { greeting } from './greeting';
export { memberPrice } from './member-price';
export { orderHistory } from './order-history';
export { productTeaser } from './product-teaser';
export { recommendations } from './recommendations';
export { reviews } from './reviews';
export { sessionBadge } from './session-badge';
export { siteNav } from './site-nav';
export { stockLevel } from './stock-level';
export { supplierFeed } from './supplier-feed';
