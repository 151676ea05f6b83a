// Every viewlet of the demo, for routes that name viewlets at run time (the revalidation webhook).
export { accountPanel } from './account-panel';
export { breadcrumbs } from './breadcrumbs';
export { deal } from './deal';
export { greeting } from './greeting';
export { memberPrice } from './member-price';
export { productTeaser } from './product-teaser';
export { recommendations } from './recommendations';
export { reviews } from './reviews';
export { sessionBadge } from './session-badge';
export { siteNav } from './site-nav';
export { stockLevel } from './stock-level';
export { supplierFeed } from './supplier-feed';
