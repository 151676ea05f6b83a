/**
 * The demo's "database": products in memory, one copy per server process.
 * Reads cost a configurable delay so a cache miss is visible.
 */
/** The demo's product ids: a fixed catalogue. */
export const PRODUCT_IDS = ['1', '2', '3'] as const;
export type ProductId = (typeof PRODUCT_IDS)[number];

/** Whether `value` names a product: use it on route params and form fields before trusting them. */
export function isProductId(value: unknown): value is ProductId {
  return typeof value === 'string' && (PRODUCT_IDS as readonly string[]).includes(value);
}

export interface Product {
  id: ProductId;
  name: string;
  price: number;
  stock: number;
}

const SEED: Product[] = [
  { id: '1', name: 'Espresso cup', price: 12, stock: 40 },
  { id: '2', name: 'Moka pot', price: 39, stock: 7 },
  { id: '3', name: 'Milk jug', price: 19, stock: 15 },
];

const KEY = Symbol.for('demo.products');
type Holder = { [KEY]?: Map<ProductId, Product> };

function table(): Map<ProductId, Product> {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= new Map(SEED.map((p) => [p.id, { ...p }])));
}

/** Milliseconds every viewlet render waits, like a slow query (DEMO_RENDER_DELAY_MS, default 300). */
export function renderDelayMs(): number {
  const raw = Number(process.env.DEMO_RENDER_DELAY_MS);
  return Number.isFinite(raw) && raw >= 0 ? raw : 300;
}

export async function slowQuery(): Promise<void> {
  const ms = renderDelayMs();
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}

export function productIds(): ProductId[] {
  return [...PRODUCT_IDS];
}

export function listProducts(): Product[] {
  return [...table().values()].map((p) => ({ ...p }));
}

export async function getProduct(id: string): Promise<Product | undefined> {
  await slowQuery();
  const found = isProductId(id) ? table().get(id) : undefined;
  return found && { ...found };
}

export function setPrice(id: ProductId, price: number): Product {
  const product = table().get(id);
  if (!product) throw new Error(`No product ${id}`);
  product.price = price;
  return { ...product };
}

/** The demo's users (`/signin?as=alice`); an admin may invalidate viewlets from /dashboard. */
export const USERS: Record<string, { name: string; discount: number; admin?: true }> = {
  alice: { name: 'Alice', discount: 0.1 },
  bob: { name: 'Bob', discount: 0.2 },
  ada: { name: 'Ada', discount: 0, admin: true },
};
