import { configureViewlets } from 'next-viewlet';

/** Cookie naming the benchmark visitor. */
export const USER_COOKIE = 'bench-user';

/** User ids the benchmarks send: `u` and 1 to 12 digits. Anything else is anonymous. */
export function isUserId(value: string): boolean {
  return /^u[0-9]{1,12}$/.test(value);
}

// Identity from a cookie, validated by shape: a forged cookie of another shape
// is anonymous and cannot fill the cache with arbitrary keys.
configureViewlets({
  identity: {
    user: (request) => {
      const id = request.cookie(USER_COOKIE);
      return id && isUserId(id) ? id : null;
    },
  },
});
