/**
 * One normaliser for every call of the cached render function: Next keys an
 * entry by the arguments exactly as passed, so `{a, b}` and `{b, a}` (or a
 * trailing `undefined`) would otherwise be different entries.
 */
import { createHash } from 'node:crypto';
import { ViewletError } from './errors.ts';

export type CanonicalValue = string | number | boolean | null | bigint | Date | CanonicalValue[] | { [key: string]: CanonicalValue };

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function canonicalValue(value: unknown, path: string, seen: Set<object>): CanonicalValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return value;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new ViewletError('E_INVALID_ARGS', `${path} is ${value}; viewlet args must be finite numbers.`);
      }
      return Object.is(value, -0) ? 0 : value;
    case 'undefined':
      return undefined;
    case 'object': {
      if (value === null) return null;
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new ViewletError('E_INVALID_ARGS', `${path} is an invalid Date.`);
        return new Date(value.getTime());
      }
      if (seen.has(value)) throw new ViewletError('E_INVALID_ARGS', `${path} is a circular reference.`);
      seen.add(value);
      try {
        if (Array.isArray(value)) {
          // Array.from, not map: map skips holes and would keep them.
          return Array.from(value, (item, i) => canonicalValue(item, `${path}[${i}]`, seen) ?? null);
        }
        if (!isPlainObject(value)) {
          const kind = (value as object).constructor?.name ?? 'object';
          throw new ViewletError(
            'E_INVALID_ARGS',
            `${path} is a ${kind}; viewlet args must be plain data (strings, numbers, booleans, null, Dates, arrays, plain objects).`,
          );
        }
        const out: Record<string, CanonicalValue> = {};
        for (const key of Object.keys(value).sort()) {
          const item = canonicalValue((value as Record<string, unknown>)[key], `${path}.${key}`, seen);
          // defineProperty, not `out[key] =`: an own "__proto__" key (JSON.parse makes
          // one) would otherwise replace the prototype and vanish from the key.
          if (item !== undefined) Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
        }
        return out;
      } finally {
        seen.delete(value);
      }
    }
    default:
      throw new ViewletError('E_INVALID_ARGS', `${path} is a ${typeof value}; viewlet args must be plain data.`);
  }
}

/**
 * Returns the args in canonical form: object keys sorted, `undefined` object
 * fields dropped, trailing `undefined` args dropped, `-0` as `0`. Throws
 * `E_INVALID_ARGS` for functions, symbols, class instances, NaN and cycles.
 */
export function canonicalArgs(args: readonly unknown[]): CanonicalValue[] {
  const seen = new Set<object>();
  const out = args.map((arg, i) => canonicalValue(arg, `args[${i}]`, seen));
  while (out.length > 0 && out[out.length - 1] === undefined) out.pop();
  return out.map((v) => (v === undefined ? null : v));
}

/** A stable text form of canonical args, used for tags and keys. */
export function argsKey(args: readonly CanonicalValue[]): string {
  return JSON.stringify(args, (_key, value: unknown) => {
    if (typeof value === 'bigint') return `${value}n`;
    return value;
  });
}

/** Short, stable hash for long keys (sha256, base64url, 22 chars = 132 bits). */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
