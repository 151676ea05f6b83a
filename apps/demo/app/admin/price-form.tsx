'use client';

import { useActionState } from 'react';
import { updatePrice, type PriceState } from './actions';

export function PriceForm({ products }: { products: { id: string; name: string }[] }) {
  const [state, action, pending] = useActionState<PriceState, FormData>(updatePrice, {});
  return (
    <form action={action} aria-label="Change a price">
      <label>
        Product
        <select name="id" defaultValue={products[0]?.id}>
          {products.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        New price
        <input name="price" type="number" step="0.01" min="0.01" required />
      </label>
      <button type="submit" disabled={pending}>
        Save and refresh
      </button>
      {state.message && (
        <p className="notice" role="status">
          {state.message}
        </p>
      )}
      {state.error && (
        <p className="error" role="alert">
          {state.error}
        </p>
      )}
    </form>
  );
}
