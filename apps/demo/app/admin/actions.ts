'use server';

import { refreshViewlet } from 'next-viewlet';
import { isProductId, setPrice } from '@/lib/db';
import { productTeaser } from '@/viewlets/product-teaser';

export interface PriceState {
  message?: string;
  error?: string;
}

/**
 * Changes a price and refreshes that product's teasers: the admin sees the new
 * price in this response, and the product page and the home page are
 * re-rendered behind the scenes, so their next visitor gets a cache hit.
 */
export async function updatePrice(_previous: PriceState, form: FormData): Promise<PriceState> {
  const id = form.get('id');
  const price = Number(form.get('price'));
  if (!isProductId(id)) return { error: `Unknown product "${String(id ?? '').slice(0, 20)}".` };
  if (!Number.isFinite(price) || price <= 0 || price > 100_000) return { error: 'Price must be a number between 0 and 100000.' };
  const product = setPrice(id, Math.round(price * 100) / 100);
  await refreshViewlet(productTeaser, [id], {
    variants: [{}, { path: `/products/${id}` }, { path: '/' }],
  });
  return { message: `${product.name} now costs $${product.price.toFixed(2)}.` };
}
